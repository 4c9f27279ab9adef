{#- A dossier's timeline as docs/kpi-definitions.md reads it; fct_dossiers and the property tests of
    tests/kpi_marts render the same macros, so what is tested is what the mart computes. -#}

{#- resolved (status 9/10), withdrawn_or_stopped (3/7/8) or open (1, 2, 4, 5, 6). -#}
{% macro dossier_outcome(status) -%}
    case
        when {{ status }} in (9, 10) then 'resolved'
        when {{ status }} in (3, 7, 8) then 'withdrawn_or_stopped'
        else 'open'
    end
{%- endmacro %}

{#- End of processing (thời điểm kết thúc xử lý): NgayKetThucXuLy, else NgayTra for status 10, NgayTuChoi
    for status 3; NULL while the dossier is open. -#}
{% macro dossier_ended_at(status, processing_ended_at, returned_at, rejected_at) -%}
    case
        when {{ status }} in (3, 7, 8, 9, 10) then coalesce(
            {{ processing_ended_at }},
            case when {{ status }} = 10 then {{ returned_at }} end,
            case when {{ status }} = 3 then {{ rejected_at }} end
        )
    end
{%- endmacro %}

{#- The due date rule 2.1 judges against: NgayHenTra, else reception plus the procedure's maximum
    processing time in calendar days (docs/kpi-definitions.md, rule 3); NULL when neither is known. -#}
{% macro dossier_effective_due_at(due_at, received_at, max_processing_days) -%}
    coalesce(
        {{ due_at }},
        case when {{ max_processing_days }} is not null
            then {{ dbt.dateadd('day', max_processing_days, received_at) }} end
    )
{%- endmacro %}
