-- Task outputs and workflow results are stored as json (the text Kiln wrote) instead of jsonb.
--
-- Nothing queries inside them: workers hand outputs on to the tasks downstream as text, and the
-- API serves results as text. jsonb made PostgreSQL parse every output into its binary form on
-- completion and print it back on every claim and every result read, and it rewrote numbers: a
-- p-value of 1.4e-300 came back as a decimal of 300 zeros. json stores the text as written (it is
-- still checked to be valid JSON) and reads it back unchanged.
--
-- Rows stored before v5 keep jsonb's printed form of their values, which parses to the same JSON.
ALTER TABLE tasks ALTER COLUMN output TYPE json USING output::json;
ALTER TABLE workflows ALTER COLUMN result TYPE json USING result::json;
-- Changing the type rewrites both tables once, under an exclusive lock, at the first start of v5.
