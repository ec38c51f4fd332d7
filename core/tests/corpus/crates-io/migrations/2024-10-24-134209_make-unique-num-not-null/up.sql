alter table versions
    alter column num_no_build set not null;
