"""Question files from other systems (GIFT, Aiken, Moodle XML, QTI 3.0) in Groundwork's kinds."""
