CREATE TABLE lockouts (
	key          TEXT PRIMARY KEY, -- "ak:"+access key or "user:"+user ID
	failures     INTEGER NOT NULL,
	locked_until INTEGER NOT NULL  -- Unix ms, 0 while not locked
);
