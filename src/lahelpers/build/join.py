"""Read every source, join it onto the 153 authorities, validate, and write the outputs.

The build drives the readers: it sits above both the input machinery (:mod:`lahelpers.inputs`) and
the sources (:mod:`lahelpers.sources`), so nothing below imports back up.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from lahelpers import sources
from lahelpers.inputs import catalogue, codes, validate
from lahelpers.inputs.joins import JoinReport


def context_tables(report: JoinReport) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Join every context source onto the 153; return (context, variables, missing reasons)."""
    ref = codes.reference()
    context = ref[["code"]].set_index("code")
    variables, missing_rows = [], []
    for module in sources.CONTEXT:
        name = module.__name__.rsplit(".", 1)[-1]
        for values, join in module.tables():
            report.add(join)
            clash = set(values.columns) & set(context.columns)
            if clash:
                raise ValueError(
                    f"{name}: column(s) {sorted(clash)} already defined by another source"
                )
            context = context.join(values, how="left")  # left join: all 153 kept
            reasons = {m["code"]: m["reason"] for m in join.missing}
            for col in values.columns:
                for code in context.index[context[col].isna()]:
                    missing_rows.append(
                        {
                            "code": code,
                            "variable": col,
                            "source_id": join.source_id,
                            "reason": reasons.get(code, "blank or suppressed in the source"),
                        }
                    )
        for col, meta in module.VARIABLES.items():
            variables.append({"column": col, "module": name, **meta})
    vars_df = pd.DataFrame(
        variables, columns=["column", "module", "label", "unit", "source_id", "vintage", "note"]
    )
    undocumented = set(context.columns) - set(vars_df["column"])
    if undocumented:
        raise ValueError(f"context columns without VARIABLES metadata: {sorted(undocumented)}")
    missing = pd.DataFrame(missing_rows, columns=["code", "variable", "source_id", "reason"])
    return context.reset_index(), vars_df, missing


def assemble(folder: Path) -> None:
    """Read, join, validate and write every output into ``folder`` (raises on any bad input)."""
    ref = codes.reference()
    sources.BOUNDARIES.check_regions(ref)
    report = JoinReport()
    ((assessments, assessments_join),) = sources.ASSESSMENTS.tables()
    report.add(assessments_join)
    authorities = ref.merge(assessments, on="code", how="left", validate="1:1")
    validate.raise_for(
        validate.authorities_schema(), authorities, catalogue.raw_path("cqc_assessments")
    )
    context, variables, missing = context_tables(report)
    units = dict(zip(variables["column"], variables["unit"], strict=True))
    validate.raise_for(
        validate.context_schema(list(variables["column"]), units), context, "context (built)"
    )
    pilots = sources.ASSESSMENTS.read_pilots()

    ((polys, join),) = sources.BOUNDARIES.tables()
    report.add(join)
    regions = sources.BOUNDARIES.regions()

    authorities.to_parquet(folder / "authorities.parquet", index=False)
    context.to_parquet(folder / "context.parquet", index=False)
    authorities.merge(context, on="code", validate="1:1").to_csv(
        folder / "authorities_context.csv", index=False
    )
    pilots.to_parquet(folder / "pilots.parquet", index=False)
    variables.to_csv(folder / "variables.csv", index=False)
    missing.to_csv(folder / "context_missing.csv", index=False)
    report.write(folder)
    polys.to_parquet(folder / "authorities_27700.parquet", index=False)
    sources.BOUNDARIES.simplify_for_web(polys).to_parquet(folder / "authorities_web.parquet", index=False)
    regions.to_parquet(folder / "regions_27700.parquet", index=False)
    sources.BOUNDARIES.simplify_for_web(regions, 1000).to_parquet(
        folder / "regions_web.parquet", index=False
    )
