"""The population service (LGSP → CSDL quốc gia về dân cư): token gateway, SOAP register lookups, statistics."""
