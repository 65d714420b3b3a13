-- The demo "hospital" source database: synthetic HIV-clinic patients, deterministic for a given seed.
-- psql -v patients=100000 -v seed=0.42 -f deploy/demo/hospital.sql  (run inside the target database)
-- Nothing here is real: names, MRNs and postcodes are drawn from small lists and random numbers.
\set ON_ERROR_STOP on
\if :{?patients}
\else
  \set patients 100000
\endif
\if :{?seed}
\else
  \set seed 0.42
\endif

BEGIN;
CREATE TABLE IF NOT EXISTS patients (
  patient_id       bigint PRIMARY KEY,
  mrn              text NOT NULL UNIQUE,
  first_name       text NOT NULL,
  last_name        text NOT NULL,
  birth_date       date NOT NULL,
  sex              char(1) NOT NULL CHECK (sex IN ('F', 'M', 'X')),
  postcode         text NOT NULL,
  admission_date   date NOT NULL,
  diagnosis_code   text NOT NULL,
  cd4_count        integer,
  viral_load       integer,
  research_consent boolean NOT NULL
);
COMMENT ON TABLE patients IS 'Synthetic demo data: one row per patient, HIV-related diagnosis and latest labs.';

-- Only fill an empty table: a second run keeps what is there.
SELECT count(*) = 0 AS empty FROM patients \gset
\if :empty
\o /dev/null
SELECT setseed(:seed);
\o
INSERT INTO patients
SELECT g,
       'MRN' || lpad(((g::bigint * 7919) % 10000000)::text, 7, '0') || lpad((g % 97)::text, 2, '0'),
       (ARRAY['Anna','Ben','Carla','David','Eva','Farid','Greta','Hugo','Ines','Jonas','Katrin','Luca','Maria','Nils','Olga','Pavel','Quinn','Rosa','Sami','Tara','Umar','Vera','Wim','Xenia','Yusuf','Zoe'])[1 + floor(random() * 26)::int],
       (ARRAY['Adams','Berg','Costa','Dvorak','Eriksen','Fischer','Garcia','Horvath','Ivanova','Jansen','Kowalski','Lambert','Moreau','Novak','Olsen','Petrov','Rossi','Schmidt','Tanaka','Urban','Vogel','Weber','Young','Zimmermann'])[1 + floor(random() * 24)::int],
       date '1935-01-01' + floor(random() * 25000)::int,
       (ARRAY['F','M','M','F','M','X'])[1 + floor(random() * 6)::int],
       lpad(floor(random() * 1000)::int::text, 3, '0') || lpad(floor(random() * 100)::int::text, 2, '0'),
       date '2010-01-01' + floor(random() * 5800)::int,
       (ARRAY['B20','B20.1','B20.7','B21','B22','B23.0','B23.8','B24','Z21','R75','O98.7','Z20.6'])[1 + floor(random() * 12)::int],
       CASE WHEN random() < 0.05 THEN NULL ELSE floor(50 + random() * 1200)::int END,
       CASE WHEN random() < 0.05 THEN NULL WHEN random() < 0.6 THEN 0 ELSE floor(random() * 500000)::int END,
       random() < 0.8
FROM generate_series(1, :patients) AS g;
ANALYZE patients;
\endif

CREATE OR REPLACE VIEW recent_admissions AS
  SELECT * FROM patients WHERE admission_date >= date '2020-01-01';
COMMENT ON VIEW recent_admissions IS 'Patients admitted since 1 January 2020.';
COMMIT;
