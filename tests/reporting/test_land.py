"""Land and space items (空间统筹): a unit changes only its own; readers see what their
industries allow; areas in m² are totalled in mu (1 亩 = 10000/15 m²) by the database; a stale
save is refused; the update pages, the industry page and the dashboard show them; query counts
stay flat."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from chains.models import CarrierArea, Industry, Unit
from reporting.choices import AreaUnit, LandKind, LandStatus
from reporting.land import demo, selectors
from reporting.land import services as land
from reporting.models import LandItem
from reporting.updates import services


@pytest.fixture
def electronics(matrix):
    return Industry.objects.get(code="electronic-information")


@pytest.fixture
def carrier(matrix, electronics):
    area = CarrierArea.objects.create(
        name="火炬（翔安）产业区", kind="main", unit=Unit.objects.get(name="火炬管委会")
    )
    area.industries.set([electronics])
    return area


def add(user, *, unit=None, **changes):
    fields = {
        "year": 2025,
        "month": 9,
        "kind": LandKind.SUPPLIED,
        "name": "翔安12号地块",
        "area": Decimal("100"),
        "area_unit": AreaUnit.MU,
        "status": LandStatus.PLANNED,
    } | changes
    return land.land_item_add(user=user, unit=unit or user.unit, **fields)


def edit_data(item, **changes):
    data = {
        "year": item.year,
        "month": item.month,
        "industry": item.industry_id or "",
        "carrier": item.carrier_id or "",
        "kind": item.kind,
        "name": item.name,
        "area": str(item.area),
        "area_unit": item.area_unit,
        "status": item.status,
        "note": item.note,
        "version": item.version,
    }
    return data | changes


# --- permissions ----------------------------------------------------------------------------


def test_a_unit_adds_and_edits_its_own_items(client, users, september, electronics, carrier):
    gxj = users["gxj"]
    client.force_login(gxj)
    response = client.post(
        reverse("reporting:land_add"),
        {
            "year": 2025,
            "month": 8,
            "industry": electronics.pk,
            "carrier": carrier.pk,
            "kind": LandKind.STANDARD_LAND,
            "name": "火炬“标准地”3号",
            "area": "85.5",
            "area_unit": AreaUnit.MU,
            "status": LandStatus.IN_PROGRESS,
            "note": "",
        },
    )
    assert response.status_code == 302
    item = LandItem.objects.get()
    assert (item.unit.name, item.created_by, item.version, item.carrier) == (
        "市工信局",
        gxj,
        1,
        carrier,
    )
    url = reverse("reporting:land_edit", args=[item.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, edit_data(item, status=LandStatus.DONE, area="90"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.area, item.version) == (LandStatus.DONE, Decimal("90"), 2)
    listing = client.get(reverse("reporting:land"), {"year": 2025}).content.decode()
    assert "火炬“标准地”3号" in listing and 'id="land-add"' in listing


def test_another_unit_cannot_change_or_remove_them(client, users, september, electronics):
    item = add(users["gxj"], industry=electronics)
    client.force_login(users["swj"])
    assert client.get(reverse("reporting:land_edit", args=[item.pk])).status_code == 403
    response = client.post(
        reverse("reporting:land_edit", args=[item.pk]), edit_data(item, name="改名")
    )
    assert response.status_code == 403
    assert client.post(reverse("reporting:land_remove", args=[item.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        land.land_item_change(item=item, user=users["swj"], version=1, name="改名")
    with pytest.raises(PermissionDenied):
        land.land_item_remove(item=item, user=users["swj"])
    with pytest.raises(PermissionDenied):
        add(users["swj"], unit=item.unit)  # not for another unit either
    item.refresh_from_db()
    assert (item.name, item.version) == ("翔安12号地块", 1)
    # ...and 市商务局 does not view 电子信息, so it does not even see the item.
    listing = client.get(reverse("reporting:land"), {"year": 2025, "unit": "gxj"})
    assert listing.status_code == 200 and "翔安12号地块" not in listing.content.decode()


def test_drc_reads_every_item_but_changes_none(client, users, september, electronics):
    with_industry = add(users["gxj"], industry=electronics)
    add(users["gxj"], name="工信局自有低效用地", kind=LandKind.INEFFICIENT)  # no industry
    client.force_login(users["drc"])
    page = client.get(reverse("reporting:land"), {"year": 2025, "unit": "gxj"}).content.decode()
    assert "翔安12号地块" in page and "工信局自有低效用地" in page
    assert reverse("reporting:land_edit", args=[with_industry.pk]) not in page
    assert 'id="land-add"' not in page  # another unit's list: no form to add to it
    assert client.get(reverse("reporting:land_edit", args=[with_industry.pk])).status_code == 403
    assert client.post(reverse("reporting:land_remove", args=[with_industry.pk])).status_code == 403
    assert LandItem.objects.count() == 2


def test_a_district_sees_the_items_of_industries_it_views(client, users, september, electronics):
    add(users["gxj"], industry=electronics)  # 思明区 is a responsible unit of 电子信息
    add(users["gxj"], name="工信局自有低效用地", kind=LandKind.INEFFICIENT)  # no industry
    client.force_login(users["siming"])
    page = client.get(reverse("reporting:land"), {"year": 2025, "unit": "gxj"}).content.decode()
    assert "翔安12号地块" in page
    assert "工信局自有低效用地" not in page


# --- carrier areas: whose totals an item may count towards -----------------------------------


def carrier_of(district, name, *codes):
    area = CarrierArea.objects.create(name=name, kind="park", unit=Unit.objects.get(name=district))
    area.industries.set(Industry.objects.filter(code__in=codes))
    return area


def test_a_district_attaches_items_only_to_its_own_carriers(users, september, electronics):
    siming = users["siming"]
    # 同安区's carrier even hosts 电子信息, of which 思明区 is a responsible unit: still not its.
    tongan = carrier_of("同安区", "同安工业集中区", "electronic-information")
    own = carrier_of("思明区", "思明软件园", "electronic-information")
    with pytest.raises(ValidationError) as refused:
        add(siming, industry=electronics, carrier=tongan)
    assert "同安区" in refused.value.message_dict["carrier"][0]
    item = add(siming, industry=electronics, carrier=own)
    assert item.carrier == own
    bare = add(siming, carrier=own, name="无产业的地块")  # its own carrier, with no industry
    with pytest.raises(ValidationError):
        land.land_item_change(item=bare, user=siming, version=1, carrier=tongan)
    assert selectors.land_totals(2025, district=Unit.objects.get(name="同安区"))["count"] == 0
    bare.refresh_from_db()
    assert (bare.carrier, bare.version) == (own, 1)


def test_the_form_offers_and_accepts_only_the_districts_carriers(
    client, users, september, electronics
):
    tongan = carrier_of("同安区", "同安工业集中区", "electronic-information")
    own = carrier_of("思明区", "思明软件园")
    client.force_login(users["siming"])
    url = reverse("reporting:land_add")
    page = client.get(url).content.decode()
    assert "思明软件园" in page and "同安工业集中区" not in page
    data = {
        "year": 2025,
        "month": 9,
        "industry": electronics.pk,
        "kind": LandKind.SUPPLIED,
        "name": "越界地块",
        "area": "10",
        "area_unit": AreaUnit.MU,
        "status": LandStatus.PLANNED,
        "note": "",
    }
    response = client.post(url, data | {"carrier": tongan.pk})
    assert response.status_code == 400 and "carrier" in response.context["form"].errors
    assert not LandItem.objects.exists()
    assert client.post(url, data | {"carrier": own.pk}).status_code == 302
    item = LandItem.objects.get()
    assert (item.unit.name, item.carrier) == ("思明区", own)
    # Nor can an edit move it to 同安区's carrier.
    response = client.post(
        reverse("reporting:land_edit", args=[item.pk]), edit_data(item, carrier=tongan.pk)
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert (item.carrier, item.version) == (own, 1)


def test_a_lead_unit_attaches_its_industrys_items_to_carriers_hosting_it(
    users, september, electronics, carrier
):
    gxj = users["gxj"]  # 市工信局 leads 电子信息; 火炬（翔安）产业区 hosts it
    machinery_only = carrier_of("同安区", "同安工业集中区", "machinery-equipment")
    item = add(gxj, industry=electronics, carrier=carrier)
    assert item.carrier == carrier
    with pytest.raises(ValidationError) as refused:
        add(gxj, industry=electronics, carrier=machinery_only)
    assert "carrier" in refused.value.message_dict
    with pytest.raises(ValidationError):
        add(gxj, carrier=carrier)  # no industry: nothing that makes the carrier its concern
    with pytest.raises(ValidationError):
        land.land_item_change(item=item, user=gxj, version=1, carrier=machinery_only)
    biomedicine = Industry.objects.get(code="biomedicine")  # not hosted by 火炬（翔安）产业区
    with pytest.raises(ValidationError):
        land.land_item_change(item=item, user=gxj, version=1, industry=biomedicine)
    item.refresh_from_db()
    assert (item.carrier, item.industry, item.version) == (carrier, electronics, 1)
    # A carrier already attached stays editable even if it stops hosting the industry.
    carrier.industries.clear()
    changed = land.land_item_change(item=item, user=gxj, version=1, name="改名")
    assert (changed.carrier, changed.version) == (carrier, 2)
    # The form offers carriers hosting an industry 市工信局 leads (机械装备 too), no others;
    # bound to one industry (an update's), only those hosting that one.
    carrier_of("海沧区", "海沧生物医药港", "biomedicine")  # led by 市科技局
    carrier_of("湖里区", "湖里创新园", "electronic-information")
    offered = set(land.carrier_choices(gxj).values_list("name", flat=True))
    assert offered == {"同安工业集中区", "湖里创新园"}
    assert [c.name for c in land.carrier_choices(gxj, electronics.pk)] == ["湖里创新园"]


# --- conversion and totals ------------------------------------------------------------------


def test_totals_convert_square_metres_to_mu_in_the_database(users, september, electronics):
    gxj = users["gxj"]
    machinery = Industry.objects.get(code="machinery-equipment")
    add(gxj, industry=electronics, area=Decimal("100"))  # 100 亩
    add(gxj, industry=electronics, area=Decimal("10000"), area_unit=AreaUnit.SQUARE_METRE)  # 15
    add(
        gxj,
        industry=electronics,
        kind=LandKind.FACTORY,
        area=Decimal("1000"),  # 1.5 亩: no integer division
        area_unit=AreaUnit.SQUARE_METRE,
    )
    add(
        gxj,
        industry=machinery,
        kind=LandKind.FACTORY,
        area=Decimal("2000"),  # 3 亩
        area_unit=AreaUnit.SQUARE_METRE,
        status=LandStatus.DONE,
    )
    add(gxj, kind=LandKind.UNSUPPLIED, area=Decimal("33.33"))  # no industry
    add(gxj, industry=electronics, year=2024, area=Decimal("999"))  # another year
    add(gxj, industry=electronics, month=11, area=Decimal("7"))  # after September

    totals = selectors.land_totals(2025)
    rows = {r["kind"]: r for r in totals["rows"]}
    assert [r["kind"] for r in totals["rows"]] == LandKind.values  # every kind, in order
    assert (rows["supplied"]["count"], rows["supplied"]["area_mu"]) == (3, Decimal("122.00"))
    assert (rows["factory"]["count"], rows["factory"]["area_mu"]) == (2, Decimal("4.50"))
    assert rows["factory"]["done_mu"] == Decimal("3.00")
    assert rows["unsupplied"]["area_mu"] == Decimal("33.33")
    assert rows["enclave"] == {
        "kind": "enclave",
        "label": LandKind.ENCLAVE.label,
        "count": 0,
        "area_mu": Decimal("0.00"),
        "done_mu": Decimal("0.00"),
    }
    assert totals["count"] == 6 and totals["area_mu"] == Decimal("159.83")

    up_to_september = selectors.land_totals(2025, until_month=9)
    assert up_to_september["area_mu"] == Decimal("152.83")
    only_electronics = selectors.land_totals(2025, Industry.objects.filter(pk=electronics.pk))
    assert only_electronics["count"] == 4 and only_electronics["area_mu"] == Decimal("123.50")
    # The same conversion as AreaUnit.to_mu, item by item.
    assert sum((i.area_mu for i in LandItem.objects.filter(year=2025)), Decimal(0)) == Decimal(
        "159.83"
    )


def test_totals_of_a_district(users, september, electronics, carrier):
    add(users["gxj"], industry=electronics, carrier=carrier, area=Decimal("40"))
    add(users["siming"], industry=electronics, area=Decimal("5"))
    add(users["gxj"], industry=electronics, area=Decimal("1"))
    zone = carrier.unit  # 火炬管委会: the items in its carrier areas
    assert selectors.land_totals(2025, district=zone)["area_mu"] == Decimal("40.00")
    siming = Unit.objects.get(name="思明区")  # the items it reported
    assert selectors.land_totals(2025, district=siming)["area_mu"] == Decimal("5.00")


# --- concurrency and workflow ---------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_overwritten(users, september, electronics):
    item = add(users["gxj"], industry=electronics)
    colleague = make_colleague(users)
    land.land_item_change(item=item, user=colleague, version=1, name="同事改的名字")
    with pytest.raises(ValidationError) as refused:
        land.land_item_change(item=item, user=users["gxj"], version=1, name="我的名字")
    assert refused.value.code == "conflict"
    assert "已被他人修改" in refused.value.messages[0]
    item.refresh_from_db()
    assert (item.name, item.version) == ("同事改的名字", 2)


def make_colleague(users):
    from accounts.models import User

    return User.objects.create(username="gxj2", unit=users["gxj"].unit)


def test_the_edit_page_answers_409_and_keeps_the_typed_values(
    client, users, september, electronics
):
    item = add(users["gxj"], industry=electronics)
    stale = edit_data(item, name="我键入的名字", area="321")
    land.land_item_change(item=item, user=make_colleague(users), version=1, area=Decimal("50"))
    client.force_login(users["gxj"])
    response = client.post(reverse("reporting:land_edit", args=[item.pk]), stale)
    assert response.status_code == 409
    page = response.content.decode()
    assert 'value="我键入的名字"' in page and 'value="321"' in page  # the user's values, kept
    assert 'id="conflict"' in page and "50" in page  # the colleague's, beside them
    assert 'name="version" value="2"' in page  # saving again now overwrites knowingly
    item.refresh_from_db()
    assert (item.name, item.area, item.version) == ("翔安12号地块", Decimal("50"), 2)


def test_items_of_an_update_follow_its_workflow(users, filled, electronics):
    gxj = users["gxj"]
    loose = add(gxj, industry=electronics)
    item = add(gxj, name="随进展报送的地块", update=filled)
    assert (item.industry, item.update) == (filled.industry, filled)  # the update's industry
    with pytest.raises(ValidationError):
        add(gxj, month=8, update=filled)  # not the update's month
    with pytest.raises(ValidationError):
        land.land_item_change(item=item, user=gxj, version=1, month=8)
    services.update_submit(update=filled, user=gxj, expected_version=filled.version)
    with pytest.raises(ValidationError, match="已提交"):
        land.land_item_remove(item=item, user=gxj)
    with pytest.raises(ValidationError, match="已提交"):
        land.land_item_change(item=item, user=gxj, version=1, name="改名")
    with pytest.raises(ValidationError, match="已提交"):
        add(gxj, update=filled)
    land.land_item_remove(item=loose, user=gxj)  # not tied to an update: removable
    assert list(LandItem.objects.values_list("name", flat=True)) == ["随进展报送的地块"]


def test_only_the_filing_unit_reports_with_an_update(client, users, electronics_update):
    with pytest.raises(PermissionDenied):
        add(users["swj"], update=electronics_update)
    client.force_login(users["swj"])
    url = reverse("reporting:land_add")
    assert client.get(url, {"update": electronics_update.pk}).status_code == 403
    client.force_login(users["siming"])  # a responsible unit contributes, it does not file
    assert client.get(url, {"update": electronics_update.pk}).status_code == 403


# --- pages ----------------------------------------------------------------------------------


def test_the_update_pages_show_the_items_in_the_platform_section(
    client, users, electronics_update, carrier
):
    gxj = users["gxj"]
    client.force_login(gxj)
    form = client.get(reverse("reporting:land_add"), {"update": electronics_update.pk})
    assert form.status_code == 200 and 'id="bound-update"' in form.content.decode()
    response = client.post(
        f"{reverse('reporting:land_add')}?update={electronics_update.pk}",
        {
            "carrier": carrier.pk,
            "kind": LandKind.FACTORY,
            "name": "火炬通用厂房二期",
            "area": "20000",
            "area_unit": AreaUnit.SQUARE_METRE,
            "status": LandStatus.IN_PROGRESS,
            "note": "",
            # The month and industry come from the update, whatever is posted.
            "year": 2020,
            "month": 1,
            "industry": Industry.objects.get(code="biomedicine").pk,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("reporting:edit", args=[electronics_update.pk])
    item = LandItem.objects.get()
    assert (item.update, item.year, item.month, item.industry.code) == (
        electronics_update,
        2025,
        9,
        "electronic-information",
    )

    for name in ("reporting:update", "reporting:edit"):
        page = client.get(reverse(name, args=[electronics_update.pk])).content.decode()
        assert "火炬通用厂房二期" in page and "≈ 30" in page, name  # 20000 m² = 30 亩
        assert f"?update={electronics_update.pk}" in page, name
        platform = 'data-section="platform"' if name == "reporting:update" else "progress_platform"
        assert page.index("火炬通用厂房二期") > page.index(platform), name

    client.force_login(users["siming"])  # reads the update: sees the items, cannot add
    page = client.get(reverse("reporting:update", args=[electronics_update.pk])).content.decode()
    assert "火炬通用厂房二期" in page and 'id="report-land"' not in page


def test_the_industry_page_lists_its_carrier_areas(client, users, electronics, carrier):
    add(users["gxj"], industry=electronics, carrier=carrier, area=Decimal("12"))
    other = CarrierArea.objects.create(
        name="海沧生物医药港", kind="main", unit=Unit.objects.get(name="海沧区")
    )
    other.industries.set([Industry.objects.get(code="biomedicine")])
    client.force_login(users["gxj"])
    page = client.get(reverse("industry", args=["electronic-information"]))
    text = page.content.decode()
    assert "火炬（翔安）产业区" in text and "火炬管委会" in text
    assert "海沧生物医药港" not in text
    (row,) = selectors.carrier_areas_for_industry(electronics)
    assert (row.land_count, row.land_mu) == (1, Decimal("12"))


# --- dashboard ------------------------------------------------------------------------------


def land_row(response, kind):
    page = response.content.decode()
    start = page.index(f'data-kind="{kind}"')
    return page[start : page.index("</tr>", start)]


def test_the_dashboard_totals_land_by_kind_and_refreshes_on_a_write(
    client, users, september, electronics, django_capture_on_commit_callbacks
):
    gxj = users["gxj"]
    add(gxj, industry=electronics, area=Decimal("100"))
    add(gxj, industry=electronics, area=Decimal("10000"), area_unit=AreaUnit.SQUARE_METRE)
    add(gxj, kind=LandKind.UNSUPPLIED, area=Decimal("20"))  # no industry
    client.force_login(users["drc"])
    url = reverse("dashboard")
    response = client.get(url, {"month": september.slug})
    assert response.context["dash"]["land"]["rows"][0]["area_mu"] == Decimal("115.00")
    assert "<td>2</td><td>115</td>" in land_row(response, "supplied")
    assert "<td>1</td><td>20</td>" in land_row(response, "unsupplied")

    # One industry chosen: only its items; the industry-less ones drop out.
    one = client.get(url, {"month": september.slug, "industry": "electronic-information"})
    assert "<td>0</td>" in land_row(one, "unsupplied")

    with django_capture_on_commit_callbacks(execute=True):  # as when the write commits
        add(gxj, industry=electronics, area=Decimal("5"))  # the cached page must not go stale
    again = client.get(url, {"month": september.slug})
    assert "<td>3</td><td>120</td>" in land_row(again, "supplied")

    # A city leader sees his industries' land only (黄燕添: 商贸物流).
    client.force_login(users["leader_huang_yt"])
    leader = client.get(url, {"month": september.slug})
    assert "<td>0</td>" in land_row(leader, "supplied")
    assert "<td>0</td>" in land_row(leader, "unsupplied")


def test_the_xlsx_export_has_a_land_sheet(client, users, september, electronics):
    import io

    import openpyxl

    add(users["gxj"], industry=electronics, area=Decimal("10000"), area_unit=AreaUnit.SQUARE_METRE)
    client.force_login(users["drc"])
    response = client.get(reverse("dashboard"), {"month": september.slug, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["用地空间"]
    assert [c.value for c in sheet[2]][1:3] == [1, 15]


# --- query counts ---------------------------------------------------------------------------


def many_items(user, industry, carrier, n, update=None):
    for i in range(n):
        add(
            user,
            industry=industry if update is None else None,
            carrier=carrier,
            update=update,
            name=f"地块{i}",
            kind=LandKind.values[i % len(LandKind.values)],
            area_unit=AreaUnit.values[i % 2],
        )


def queries(client, url, django_assert_max_num_queries, data=None, limit=56):
    # 56: the uncached dashboard also reads the project register (2) and innovation (5) since
    # issue 18, and stores its parts and page in the database's layer of the pages' cache
    # since issue 20 (the parts, then the page: a count and an upsert each, inside a savepoint).
    from django.core.cache import caches

    client.get(url, data)  # what a first visit opens (periods) is opened
    caches["pages"].clear()  # and the dashboard is computed afresh, not read from its cache
    with django_assert_max_num_queries(limit) as context:
        assert client.get(url, data).status_code == 200
    return len(context.captured_queries)


def test_queries_do_not_grow_with_the_items(
    client, users, electronics_update, carrier, django_assert_max_num_queries
):
    gxj, electronics = users["gxj"], electronics_update.industry
    pages = [
        (users["gxj"], reverse("reporting:land"), {"year": 2025}),
        (users["gxj"], reverse("reporting:update", args=[electronics_update.pk]), None),
        (users["gxj"], reverse("reporting:edit", args=[electronics_update.pk]), None),
        (users["siming"], reverse("reporting:land"), {"year": 2025, "unit": "gxj"}),
        (users["gxj"], reverse("industry", args=[electronics.code]), None),
        (users["drc"], reverse("dashboard"), {"month": "2025-09"}),
    ]
    many_items(gxj, electronics, carrier, 2)
    many_items(gxj, electronics, carrier, 1, update=electronics_update)
    few = []
    for user, url, data in pages:
        client.force_login(user)
        few.append(queries(client, url, django_assert_max_num_queries, data))
    many_items(gxj, electronics, carrier, 30)
    many_items(gxj, electronics, carrier, 15, update=electronics_update)
    for i in range(8):
        extra = CarrierArea.objects.create(
            name=f"载体{i}", kind="park", unit=Unit.objects.get(name="思明区")
        )
        extra.industries.set([electronics])
        add(gxj, industry=electronics, carrier=extra)
    many = []
    for user, url, data in pages:
        client.force_login(user)
        many.append(queries(client, url, django_assert_max_num_queries, data))
    assert many == few


def test_the_dashboard_adds_one_query_for_land(client, users, september, electronics):
    """The land panel costs one query when the dashboard is computed, none when cached."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    add(users["gxj"], industry=electronics)
    client.force_login(users["drc"])
    url = reverse("dashboard")
    client.get(url, {"month": september.slug, "industry": "machinery-equipment"})
    with CaptureQueriesContext(connection) as computed:
        client.get(url, {"month": september.slug})
    assert sum("reporting_landitem" in q["sql"] for q in computed.captured_queries) == 1
    with CaptureQueriesContext(connection) as cached:
        client.get(url, {"month": september.slug})
    assert not any("reporting_landitem" in q["sql"] for q in cached.captured_queries)


# --- demo -----------------------------------------------------------------------------------


def test_land_demo_is_plausible_and_idempotent(users, clock):
    carriers, items = demo.land_demo(today=datetime.date(2025, 10, 9))
    assert carriers == len(demo.DEMO_CARRIERS) and items > 0
    torch = CarrierArea.objects.get(name="火炬（翔安）产业区")
    assert torch.unit.name == "火炬管委会" and torch.is_demo
    assert set(torch.industries.values_list("code", flat=True)) >= {"electronic-information"}
    assert not LandItem.objects.filter(is_demo=False).exists()
    assert set(LandItem.objects.values_list("year", flat=True)) <= {2024, 2025}
    assert demo.land_demo(today=datetime.date(2025, 10, 9)) == (0, 0)
    assert selectors.land_totals(2025)["area_mu"] > 0
