"""Server-rendered Vietnamese pages of the portal (giao diện cổng dữ liệu mở).

Self-contained HTML: inline CSS, no scripts, no external fonts or stylesheets, so the portal works on an
air-gapped network and under a strict Content-Security-Policy. Every value is escaped with
:func:`html.escape`; links are built from catalogue values (slugs, versions, formats), never from request
text.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

import pyarrow as pa

from portal.formats import FORMAT_TITLES_VI
from portal.store import DatasetRecord, VersionInfo

FREQUENCY_VI = {
    "DAILY": "Hằng ngày",
    "WEEKLY": "Hằng tuần",
    "MONTHLY": "Hằng tháng",
    "QUARTERLY": "Hằng quý",
    "BIANNUAL": "6 tháng một lần",
    "ANNUAL": "Hằng năm",
    "IRREGULAR": "Không định kỳ",
    "NEVER": "Không cập nhật",
}

CSS = """
*{box-sizing:border-box}body{margin:0;font-family:"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;color:#1f2933;
background:#f5f7fa;line-height:1.5}header{background:#7a1f1f;color:#fff;padding:14px 24px}
header a{color:#fff;text-decoration:none;font-weight:600;font-size:1.2em}header small{display:block;opacity:.85}
main{max-width:1100px;margin:0 auto;padding:16px 24px}h1{font-size:1.5em;margin:.4em 0}h2{font-size:1.15em;
margin-top:1.6em;border-bottom:2px solid #e4e7eb;padding-bottom:4px}a{color:#7a1f1f}
form.search{display:flex;flex-wrap:wrap;gap:8px;background:#fff;padding:12px;border:1px solid #e4e7eb;
border-radius:6px}form.search input[type=search]{flex:1 1 260px;padding:8px;font-size:1em}
form.search select,form.search button{padding:8px;font-size:1em}form.search button{background:#7a1f1f;color:#fff;
border:0;border-radius:4px;cursor:pointer}.card{background:#fff;border:1px solid #e4e7eb;border-radius:6px;
padding:12px 16px;margin:12px 0}.card h3{margin:0 0 4px 0;font-size:1.1em}.meta{color:#52606d;font-size:.9em}
.tag{display:inline-block;background:#fbe9e7;color:#7a1f1f;border-radius:10px;padding:0 8px;margin:2px;
font-size:.85em}table{border-collapse:collapse;width:100%;background:#fff;font-size:.9em}th,td{border:1px solid
#e4e7eb;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f0f2f5}.scroll{overflow-x:auto}
dl{display:grid;grid-template-columns:200px 1fr;gap:4px 12px;background:#fff;padding:12px;border:1px solid
#e4e7eb;border-radius:6px}dt{font-weight:600;color:#52606d}dd{margin:0}.downloads a{display:inline-block;
margin:4px 8px 4px 0;padding:6px 12px;background:#7a1f1f;color:#fff;border-radius:4px;text-decoration:none}
footer{max-width:1100px;margin:24px auto;padding:0 24px;color:#52606d;font-size:.85em}.null{color:#9aa5b1}
"""


def layout(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · Dữ liệu mở Huế</title><style>{CSS}</style></head><body>"
        '<header><a href="/">Cổng dữ liệu mở Thành phố Huế</a>'
        "<small>Dữ liệu mở theo Nghị định 47/2020/NĐ-CP · Huế open data</small></header>"
        f"<main>{body}</main>"
        '<footer>Danh mục DCAT: <a href="/catalog.rdf">RDF/XML</a> · <a href="/catalog.ttl">Turtle</a> · '
        '<a href="/catalog.jsonld">JSON-LD</a> · API: <a href="/api/3/action/package_list">CKAN</a> · '
        '<a href="/api/openapi.json">OpenAPI</a></footer></body></html>'
    )


def _date(iso: str) -> str:
    return (
        dt.datetime.fromisoformat(iso)
        .astimezone(dt.timezone(dt.timedelta(hours=7)))
        .strftime("%d/%m/%Y %H:%M")
    )


def _options(name: str, label: str, values: list[str], selected: str | None) -> str:
    options = [f'<option value="">{escape(label)}</option>']
    for value in values:
        flag = " selected" if value == selected else ""
        options.append(f'<option value="{escape(value)}"{flag}>{escape(value)}</option>')
    return f'<select name="{name}" aria-label="{escape(label)}">{"".join(options)}</select>'


def catalogue_page(
    records: list[DatasetRecord],
    *,
    total: int,
    query: str,
    theme: str | None,
    publisher: str | None,
    themes: list[str],
    publishers: list[str],
) -> str:
    form = (
        '<form class="search" method="get" action="/" role="search">'
        f'<input type="search" name="q" value="{escape(query)}" placeholder="Tìm theo tên, mô tả, từ khóa" '
        'aria-label="Từ khóa tìm kiếm">'
        + _options("theme", "Tất cả lĩnh vực", themes, theme)
        + _options("publisher", "Tất cả cơ quan", publishers, publisher)
        + '<button type="submit">Tìm kiếm</button></form>'
    )
    summary = f'<p class="meta" id="result-count">Tìm thấy {len(records)} / {total} bộ dữ liệu</p>'
    cards = []
    for record in records:
        spec = record.spec
        tags = "".join(f'<span class="tag">{escape(k)}</span>' for k in spec.keywords)
        cards.append(
            f'<div class="card dataset"><h3><a href="/datasets/{quote(spec.slug)}">{escape(spec.title_vi)}</a></h3>'
            f'<div class="meta">{escape(spec.publisher)} · {escape(spec.theme)} · cập nhật '
            f"{_date(record.current.published_at)} · {record.current.rows:,} dòng</div>"
            f"<p>{escape(spec.description_vi)}</p>{tags}</div>"
        )
    if not cards:
        cards.append('<p class="card">Không có bộ dữ liệu nào phù hợp.</p>')
    return layout("Danh mục dữ liệu", "<h1>Danh mục dữ liệu mở</h1>" + form + summary + "".join(cards))


def _cell(value: Any) -> str:
    """A preview cell in Vietnamese reading conventions; downloads keep ISO formats."""
    if value is None:
        return '<td class="null">—</td>'
    if isinstance(value, bool):
        return f"<td>{'Có' if value else 'Không'}</td>"
    if isinstance(value, dt.datetime):
        return f"<td>{value.strftime('%d/%m/%Y %H:%M:%S')}</td>"
    if isinstance(value, dt.date):
        return f"<td>{value.strftime('%d/%m/%Y')}</td>"
    return f"<td>{escape(str(value))}</td>"


def _downloads(slug: str, info: VersionInfo, *, compact: bool = False) -> str:
    links = []
    for fmt in info.available_formats():
        href = f"/datasets/{quote(slug)}/versions/{quote(info.version)}/download/{fmt}"
        label = fmt.upper() if compact else FORMAT_TITLES_VI[fmt]
        size = f" ({info.files[fmt]['bytes']:,} byte)" if not compact else ""
        links.append(f'<a href="{href}" data-format="{fmt}">{escape(label)}{size}</a>')
    return " ".join(links)


def _documents(slug: str, info: VersionInfo) -> str:
    """Links to the documents published with a version (a report in HTML and PDF), if any."""
    if not info.documents:
        return ""
    links = []
    for name, entry in info.documents.items():
        href = f"/datasets/{quote(slug)}/versions/{quote(info.version)}/documents/{quote(name)}"
        links.append(
            f'<a href="{href}" data-document="{escape(name)}">{escape(entry["title_vi"])} '
            f"({entry['bytes']:,} byte)</a>"
        )
    return f'<h2>Báo cáo, tài liệu kèm theo</h2><p class="downloads documents">{" ".join(links)}</p>'


def dataset_page(record: DatasetRecord, preview: pa.Table) -> str:
    spec, current = record.spec, record.current
    temporal = " – ".join(d.strftime("%d/%m/%Y") for d in (spec.temporal_start, spec.temporal_end) if d)
    metadata = [
        ("Tên tiếng Anh", spec.title_en),
        ("Mô tả", spec.description_vi),
        ("Lĩnh vực", spec.theme),
        ("Cơ quan công bố", spec.publisher),
        ("Liên hệ", f"{spec.contact.name} <{spec.contact.email}>"),
        ("Tần suất cập nhật", FREQUENCY_VI.get(spec.update_frequency, spec.update_frequency)),
        ("Thời gian", temporal or "—"),
        ("Phạm vi", f"{spec.spatial_name} ({spec.spatial_code})"),
        ("Từ khóa", ", ".join(spec.keywords)),
        ("Phiên bản hiện hành", current.version),
        ("Ngày công bố", _date(current.published_at)),
        ("Số dòng", f"{current.rows:,}"),
        ("Điều kiện sử dụng", spec.reuse_terms_vi),
    ]
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in metadata)
    head = "".join(f'<th title="{escape(c.name)}">{escape(c.title_vi)}</th>' for c in spec.columns)
    body_rows = "".join(
        "<tr>" + "".join(_cell(v) for v in row.values()) + "</tr>" for row in preview.to_pylist()
    )
    columns = "".join(
        f"<tr><td><code>{escape(c.name)}</code></td><td>{escape(c.title_vi)}</td><td>{c.type}</td>"
        f"<td>{escape(c.description_vi)}</td></tr>"
        for c in spec.columns
    )
    history = "".join(
        f"<tr><td>{escape(v.version)}</td><td>{_date(v.published_at)}</td><td>{v.rows:,}</td>"
        f"<td><code>{escape(v.content_hash[7:19])}</code></td><td>{_downloads(spec.slug, v, compact=True)}</td></tr>"
        for v in reversed(record.versions)
    )
    api = f"/api/datasets/{quote(spec.slug)}/data?" + urlencode({"page": 1, "pageSize": 20})
    body = (
        f'<p><a href="/">← Danh mục</a></p><h1 id="dataset-title">{escape(spec.title_vi)}</h1>'
        f"<dl>{dl}</dl>"
        f'<h2>Tải dữ liệu</h2><p class="downloads">{_downloads(spec.slug, current)}</p>'
        f"{_documents(spec.slug, current)}"
        f'<p class="meta">API JSON: <a href="{api}">{escape(api)}</a> · '
        f'<a href="/api/3/action/package_show?id={quote(spec.slug)}">CKAN package_show</a></p>'
        f"<h2>Xem trước ({preview.num_rows} / {current.rows:,} dòng)</h2>"
        f'<div class="scroll"><table id="preview"><thead><tr>{head}</tr></thead><tbody>{body_rows}</tbody></table></div>'
        "<h2>Cấu trúc dữ liệu</h2><table><thead><tr><th>Cột</th><th>Tên</th><th>Kiểu</th><th>Mô tả</th></tr></thead>"
        f"<tbody>{columns}</tbody></table>"
        '<h2>Lịch sử phiên bản</h2><table id="versions"><thead><tr><th>Phiên bản</th><th>Ngày công bố</th>'
        f"<th>Số dòng</th><th>Mã băm</th><th>Tải</th></tr></thead><tbody>{history}</tbody></table>"
    )
    return layout(spec.title_vi, body)


def error_page(status: int, message: str) -> str:
    titles = {400: "Yêu cầu không hợp lệ", 404: "Không tìm thấy", 405: "Phương thức không được hỗ trợ"}
    title = titles.get(status, "Lỗi")
    return layout(
        title,
        f'<h1>{status} · {escape(title)}</h1><p class="card">{escape(message)}</p><p><a href="/">← Danh mục</a></p>',
    )
