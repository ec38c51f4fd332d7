//! "Did you mean": one algorithm for the compile-time and run-time sides, so that a typo in
//! `depends_on = [venue]` and in `--only venue` gets the same suggestion.

/// The candidate closest to `name`, if it is close enough to be what was meant: for "did you
/// mean" suggestions. Close is a typo away (an edit per three characters, as rustc counts, and
/// fewer edits than characters) or containing the name or contained in it (`venue` and
/// `venues`, `status` and `event_status`). Case is ignored; of equally close candidates the
/// first wins.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    let name_len = name.chars().count();
    let typos = (name_len / 3).max(1);
    candidates
        .into_iter()
        .filter_map(|candidate| {
            let lower = candidate.to_lowercase();
            let distance = strsim::damerau_levenshtein(&name, &lower);
            let typo = distance <= typos && distance < name_len.min(lower.chars().count());
            let (short, long) = if name.len() <= lower.len() {
                (&name, &lower)
            } else {
                (&lower, &name)
            };
            // Below four characters, containment is mostly chance (`id` in `video_id`).
            let contained = short.chars().count() >= 4 && long.contains(short.as_str());
            (typo || contained).then_some((distance, candidate))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}
