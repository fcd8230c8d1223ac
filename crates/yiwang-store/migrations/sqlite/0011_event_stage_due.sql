-- 岗位评价: each timeline entry keeps the deadline of the stage its step ended, so that a post's
-- steps can be judged on time or late after the case has moved on.
ALTER TABLE case_events ADD COLUMN stage_due_at TEXT;
