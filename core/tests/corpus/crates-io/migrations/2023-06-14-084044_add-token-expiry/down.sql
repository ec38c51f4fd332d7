ALTER TABLE api_tokens DROP expired_at;
