"""The API over the real generator's database (tiny scenario): every dossier served once, in cursor order."""

from __future__ import annotations

import pytest
import requests
import sqlalchemy as sa

from sandbox.one_stop import schema
from sandbox.one_stop import service as one_stop_service
from sandbox.runtime import running_sandbox
from sandbox.scenario import Scenario

pytestmark = pytest.mark.integration
TINY = Scenario.named("tiny")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("generated")
    with running_sandbox(data_dir, TINY, ("one_stop",)) as endpoints:
        yield endpoints


def test_every_generated_dossier_is_served_once_in_cursor_order(generated):
    env = generated.env
    engine = sa.create_engine(env["HUE_ONE_STOP_DB_URL"])
    with engine.connect() as conn:
        in_db = conn.execute(
            sa.select(schema.ho_so.c.NgayCapNhat, schema.ho_so.c.MaHoSo).order_by(
                schema.ho_so.c.NgayCapNhat, schema.ho_so.c.MaHoSo
            )
        ).all()
        children = conn.execute(
            sa.select(sa.func.count()).select_from(schema.ho_so_tai_lieu_nop)
        ).scalar_one()
    engine.dispose()
    assert one_stop_service.read_marker(generated.data_dir)["counts"]["ho_so"] == len(in_db) > 0

    http = requests.Session()
    session = http.post(
        env["HUE_ONE_STOP_API_URL"] + "/token",
        data={"username": env["HUE_ONE_STOP_API_USER"], "password": env["HUE_ONE_STOP_API_PASSWORD"]},
        timeout=10,
    ).json()["session"]
    served, page = [], 1
    while True:
        answer = http.post(
            env["HUE_ONE_STOP_API_URL"] + "/service",
            json={"session": session, "service": "LayDanhSachHoSo", "page": page, "pageSize": 2000},
            timeout=30,
        ).json()
        served.extend(answer["data"])
        if page * 2000 >= answer["total"]:
            break
        page += 1
    assert [(r["NgayCapNhat"], r["MaHoSo"]) for r in served] == [tuple(row) for row in in_db]
    assert sum(len(r["TaiLieuNop"]) for r in served) == children
