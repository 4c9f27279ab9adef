{#- Every row of rpt_index_766_indicators keeps its own promises: a rate exists only with a positive
    denominator, lies in 0..100 and equals numerator / denominator; points never pass the maximum; a not
    computable indicator carries a reason and no numbers. -#}
{% test index_766_rows_are_consistent(model) %}
select *
from {{ model }}
where (rate is not null and (denominator is null or denominator <= 0))
   or (rate is null and status = 'computable' and denominator > 0)
   or rate < 0 or rate > 100
   or (rate is not null and abs(rate - 100.0 * greatest(numerator, 0) / denominator) > 0.0051)  -- half a cent, plus float noise
   or points < 0 or points > max_points
   or (status = 'not computable' and (reason is null or numerator is not null or points is not null))
{% endtest %}
