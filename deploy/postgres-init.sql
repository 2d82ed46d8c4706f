-- One database per service (docker-compose runs this on the first start of PostgreSQL).
CREATE DATABASE govmb_registry;
CREATE DATABASE govmb_publishing;
CREATE DATABASE govmb_inquiry;
CREATE DATABASE govmb_assessment;
