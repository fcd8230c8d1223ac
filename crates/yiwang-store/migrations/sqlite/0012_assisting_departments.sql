-- 协办: the assisting departments a case was dispatched with, beside the lead (department_code),
-- their codes separated by ';'.
ALTER TABLE cases ADD COLUMN assisting_departments TEXT;
