-- weir's batch demo over the seed tables (JSON files of emp_id / emp_name / timestamp).
SET spark.sql.session.timeZone = 'Asia/Seoul';

CREATE TEMPORARY VIEW emp (emp_id INT, emp_name STRING, timestamp TIMESTAMP, time STRING)
  USING json OPTIONS (path 'tests/data/emp');
CREATE TEMPORARY VIEW names USING json OPTIONS (path 'tests/data/names');

-- grouped counts
SELECT emp_id, count(*) AS count, min(timestamp) AS first_seen
FROM emp GROUP BY emp_id ORDER BY emp_id;

-- enrichment with a static table
SELECT e.emp_id, coalesce(n.name, 'Unknown Name') AS user_name, count(1)
FROM emp e LEFT JOIN names n ON e.emp_id = n.uid
GROUP BY e.emp_id, n.name
ORDER BY count(1) DESC, e.emp_id;
