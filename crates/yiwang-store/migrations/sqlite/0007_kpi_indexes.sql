-- KPIs: the aggregate reads cases by deadline and by closing time as well as by receipt.
CREATE INDEX cases_due ON cases(due_at);
CREATE INDEX cases_closed ON cases(closed_at);
