-- Inputs are stored zstd-compressed (level 1) in input_zstd, written and read by Kiln alone.
--
-- A realistic input (50 sensors x 500 readings, 226 KB of JSON) was ~115 TOAST chunks, each a
-- heap row, an index entry and WAL, on insert and again on every claim that read it back; that was
-- most of what such a workflow cost PostgreSQL. Compressed it is a third of the size (74 KB) for
-- about 0.8 ms of Kiln's CPU to compress and 0.25 ms to decompress. PostgreSQL's own compression
-- cannot do this: pglz is slower and gains less (see V1), and the embedded server is built without
-- lz4.
--
-- Rows stored before v4 keep their text in input; the worker reads either. Exactly one is set.
-- To read a new row's input, ask the API (GET /workflows/{id}/input) or decompress input_zstd
-- with any zstd tool: it is a standard zstd frame of the JSON as submitted.
ALTER TABLE workflows ADD COLUMN input_zstd bytea;
-- Already compressed: PostgreSQL must not try again.
ALTER TABLE workflows ALTER COLUMN input_zstd SET STORAGE EXTERNAL;
ALTER TABLE workflows ALTER COLUMN input DROP NOT NULL;
ALTER TABLE workflows ADD CONSTRAINT workflows_input_once CHECK ((input IS NULL) <> (input_zstd IS NULL));
