-- weir's main job on embedded defaults (no server needed): the seed tables as a stream,
-- enriched with a static table (a stream-static join), written exactly once to a JSON
-- file sink and printed by the console sink, one micro-batch per input file; then a batch
-- query over what the sink committed.
SET spark.sql.session.timeZone = 'Asia/Seoul';

CREATE TEMPORARY VIEW events (emp_id INT, emp_name STRING, timestamp TIMESTAMP, time STRING)
  USING json OPTIONS (path 'tests/data/emp', maxFilesPerTrigger '1');
CREATE TEMPORARY VIEW names USING json OPTIONS (path 'tests/data/names');

CREATE TEMPORARY VIEW enriched AS
  SELECT e.emp_id, coalesce(n.name, 'Unknown Name') AS user_name, e.timestamp,
         window(e.timestamp, '5 minutes') AS window
  FROM STREAM events e LEFT JOIN names n ON e.emp_id = n.uid;

CREATE OR REPLACE STREAMING TABLE enriched_console USING console
  OPTIONS (trigger 'availableNow', truncate 'false') AS
  SELECT * FROM enriched;

CREATE OR REPLACE STREAMING TABLE enriched_files USING json
  OPTIONS (path 'build/demo/enriched', checkpointLocation 'build/demo/checkpoint',
           trigger 'availableNow') AS
  SELECT emp_id, user_name, timestamp FROM enriched;

AWAIT STREAMING TABLE enriched_console;
AWAIT STREAMING TABLE enriched_files;
DESCRIBE STREAMING TABLE enriched_files;

-- the committed output, read back as a batch source
CREATE TEMPORARY VIEW committed (emp_id INT, user_name STRING, timestamp TIMESTAMP)
  USING json OPTIONS (path 'build/demo/enriched');
SELECT user_name, count(*) AS events, min(timestamp) AS first_seen
FROM committed GROUP BY user_name ORDER BY events DESC, user_name;
