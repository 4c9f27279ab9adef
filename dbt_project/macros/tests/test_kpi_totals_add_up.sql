{#- received = resolved + withdrawn_or_stopped + in_progress, and resolved = early + on_time + late +
    not_judgeable, for every row: the identities docs/kpi-definitions.md promises. -#}
{% test kpi_totals_add_up(model) %}
select *
from {{ model }}
where received <> resolved + withdrawn_or_stopped + in_progress
   or resolved <> early + on_time + late + not_judgeable
   or in_progress <> in_progress_within_deadline + in_progress_over_deadline + in_progress_not_judgeable
   or received <> online + in_person + by_post
{% endtest %}
