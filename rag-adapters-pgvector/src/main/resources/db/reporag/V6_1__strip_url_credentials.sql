-- Repository URLs with user info (https://user:password@host/...) used to be accepted and stored,
-- and every reader of projects showed them. They are refused now (a token per host is configured
-- on the server instead); this removes the user info from projects registered before. The user
-- info of a URL ends at the last '@' before the first '/' after "scheme://"; the scp-like form
-- (user:password@host:path) loses what is before its '@'.
UPDATE projects
   SET source = regexp_replace(source, '^([A-Za-z][A-Za-z0-9+.-]*://)[^/]*@', '\1')
 WHERE source ~ '^[A-Za-z][A-Za-z0-9+.-]*://[^/]*@';

UPDATE projects
   SET source = regexp_replace(source, '^[^/@:]*:[^/@]*@', '')
 WHERE source !~ '^[A-Za-z][A-Za-z0-9+.-]*://' AND source ~ '^[^/@:]*:[^/@]*@';
