"""Connector for the national population database (CSDL quốc gia về dân cư) through the LGSP.

* :class:`~sources.population.verification.ApplicantVerifier`: SOAP ``TraCuuThongTinCongDan`` lookups of
  one-stop applicants → ``applicant_verifications`` (outcome, pseudonym, commune, birth year, sex only);
* :class:`~sources.population.audit.AuditWriter` / :func:`~sources.population.audit.verify_chain`: the
  hash-chained audit log every lookup is written to;
* :class:`~sources.population.statistics.PopulationStatisticsClient`: aggregate statistics →
  ``population_by_commune``.
"""

from sources.population.audit import AuditChainError, AuditWriter, chain_head, verify_chain
from sources.population.pseudonym import Pseudonymiser, pseudonymise_personal_id
from sources.population.statistics import PopulationStatisticsClient
from sources.population.verification import ApplicantVerifier, PopulationServiceFault, applicants_from_arrow

__all__ = [
    "ApplicantVerifier",
    "AuditChainError",
    "AuditWriter",
    "PopulationServiceFault",
    "PopulationStatisticsClient",
    "Pseudonymiser",
    "applicants_from_arrow",
    "chain_head",
    "pseudonymise_personal_id",
    "verify_chain",
]
