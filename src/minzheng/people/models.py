from __future__ import annotations

from django.db import models
from django.db.models import Q

from minzheng.core import crypto
from minzheng.core.masking import mask_id_number, mask_phone


class HukouType(models.TextChoices):
    URBAN = "urban", "城镇"
    RURAL = "rural", "农村"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Relation(models.TextChoices):
    HEAD = "head", "户主"
    SPOUSE = "spouse", "配偶"
    CHILD = "child", "子女"
    PARENT = "parent", "父母"
    GRANDCHILD = "grandchild", "孙子女"
    OTHER = "other", "其他"


class Person(models.Model):
    """A resident. The ID number and phone are encrypted at rest; `id_hash` (keyed HMAC) finds a person by
    exact ID without decrypting anything. Birth date and sex are derived from the ID and cross-checked.

    A person found without papers (a vagrant, a child not yet registered) is a Person too, so enrolments,
    cases and audit rows can name them like anyone else: no ID (`id_hash` NULL) but a temporary number
    (`temp_number`, issued by `unidentified_register`), with the rest in `UnidentifiedRecord`. Exactly one
    of the two is set (constraint). Only identified persons are exported to the engine or screened."""

    id_number_enc = models.TextField("身份证号（密文）", blank=True, default="")
    # NULL (not "") for the unidentified: a unique column admits many NULLs.
    # Unique and indexed through Meta (a plain b-tree): a field's unique=True/db_index=True would add a
    # second, pattern-ops index on PostgreSQL that no equality lookup uses and every load must rebuild.
    id_hash = models.CharField("身份证号索引", max_length=64, null=True, blank=True)  # noqa: DJ001
    temp_number = models.CharField("临时编号", max_length=24, unique=True, null=True, blank=True)
    id_tail = models.CharField("身份证号后4位", max_length=4, default="")
    name = models.CharField("姓名", max_length=64)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期", db_index=True)
    hukou_type = models.CharField("户口性质", max_length=8, choices=HukouType.choices)
    # Null for residents whose hukou is outside the city (temporary assistance has no hukou limit).
    hukou_region = models.ForeignKey(
        "regions.Region",
        verbose_name="户籍地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hukou_code = models.CharField("户籍地代码", max_length=15, default="")
    residence_region = models.ForeignKey(
        "regions.Region", verbose_name="居住地", on_delete=models.PROTECT, related_name="+"
    )
    # Scope key: the residence village code (12 digits); region-scoped queries are prefix scans on it.
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    phone_enc = models.TextField("联系电话（密文）", blank=True, default="")
    # Keyed hash of the full phone number: search by phone without decrypting (like id_hash).
    phone_hash = models.CharField("联系电话索引", max_length=64, blank=True, default="")
    is_alive = models.BooleanField("在世", default=True)
    death_date = models.DateField("死亡日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        indexes = [
            models.Index(fields=["id_tail"], name="person_id_tail"),
            models.Index(fields=["name"], name="person_name"),
            models.Index(fields=["phone_hash"], name="person_phone_hash"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_hash"], name="person_id_hash_unique"),
            models.CheckConstraint(
                condition=Q(is_alive=True, death_date__isnull=True) | Q(is_alive=False),
                name="person_alive_has_no_death_date",
            ),
            models.CheckConstraint(
                condition=Q(death_date__isnull=True) | Q(death_date__gte=models.F("birth_date")),
                name="person_death_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(id_hash__isnull=False, temp_number__isnull=True)
                | Q(id_hash__isnull=True, temp_number__isnull=False),
                name="person_has_id_or_temp_number",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    @property
    def is_identified(self) -> bool:
        return self.id_hash is not None

    @property
    def id_number(self) -> str:
        """Plain value ("" when unidentified). Only through an audited reveal or a service that needs it."""
        return crypto.decrypt(self.id_number_enc)

    @property
    def id_masked(self) -> str:
        """The masked ID; for an unidentified person the temporary number (LS…, never ID-shaped), so every
        list that shows a person's number still tells people apart."""
        if self.temp_number and not self.id_hash:
            return self.temp_number
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(crypto.decrypt(self.phone_enc)) if self.phone_enc else ""


class Household(models.Model):
    number = models.CharField("户编号", max_length=32, unique=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在村(社区)", on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("管辖区划", max_length=15, db_index=True)
    hukou_type = models.CharField("户口性质", max_length=8, choices=HukouType.choices)
    address = models.CharField("住址", max_length=200, blank=True, default="")
    # WGS-84, where the address has been located: home services dispatch carers within a radius of it.
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "家庭户"
        verbose_name_plural = "家庭户"

    def __str__(self) -> str:
        return f"户{self.number}"


class Membership(models.Model):
    """A person's time in a household; moves close one row and open another, so history is kept."""

    household = models.ForeignKey(
        Household, verbose_name="家庭户", on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="memberships"
    )
    relation = models.CharField("与户主关系", max_length=12, choices=Relation.choices)
    start_date = models.DateField("起始日期")
    end_date = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭成员"
        constraints = [
            # One household at a time; one current head per household.
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_date__isnull=True), name="one_current_household"
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end_date__isnull=True, relation="head"),
                name="one_current_head",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="membership_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.household_id} {self.relation}"


class TransferStatus(models.TextChoices):
    OPEN = "open", "待迁出地核实"
    ACCEPTED = "accepted", "已办理迁入"
    DECLINED = "declined", "不予迁入"


class TransferRequest(models.Model):
    """迁入（转移）申请: a desk could not register an ID number in its region (it may be registered
    elsewhere). The requester never learns where; the region that holds the person (`from_region_code`,
    empty when nobody holds it) sees the request. Holds the masked ID and its blind index, never the full
    number."""

    id_hash = models.CharField("身份证号索引", max_length=64, db_index=True)
    id_masked = models.CharField("身份证号", max_length=18)
    name = models.CharField("姓名", max_length=64)
    to_region = models.ForeignKey(
        "regions.Region", verbose_name="迁入地", on_delete=models.PROTECT, related_name="+"
    )
    to_region_code = models.CharField("迁入地代码", max_length=15, db_index=True)
    from_region_code = models.CharField("迁出地代码", max_length=15, blank=True, default="", db_index=True)
    note = models.CharField("说明", max_length=300, blank=True, default="")
    status = models.CharField(
        "状态", max_length=10, choices=TransferStatus.choices, default=TransferStatus.OPEN, db_index=True
    )
    requested_by = models.ForeignKey(
        "accounts.User", verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)

    class Meta:
        verbose_name = "迁入（转移）申请"
        verbose_name_plural = "迁入（转移）申请"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）迁入申请"


class UnidentifiedKind(models.TextChoices):
    VAGRANT = "vagrant", "流浪乞讨人员"
    CHILD = "child", "未登记户口儿童"
    OTHER = "other", "其他身份不明人员"


class UnidentifiedRecord(models.Model):
    """无身份人员登记: what was known when a person without papers was found, and what became of the
    record. The photo is stored under MEDIA_ROOT (never served statically) and read only through the
    scoped, audited photo view. A merge is made by one officer (`people.merge`) and checked by another
    (`people.merge_approve`); once merged the record and its Person are read-only and point to the
    identified person, whose page lists them, so nothing of the history is lost."""

    person = models.OneToOneField(
        Person, verbose_name="人员", on_delete=models.PROTECT, related_name="unidentified_record"
    )
    kind = models.CharField("类别", max_length=12, choices=UnidentifiedKind.choices)
    estimated_age = models.PositiveSmallIntegerField("估计年龄")
    description = models.TextField("体貌特征")
    found_on = models.DateField("发现日期", db_index=True)
    found_place = models.CharField("发现地点", max_length=200)
    found_by = models.ForeignKey(
        "accounts.User", verbose_name="发现登记人", on_delete=models.PROTECT, related_name="+"
    )
    photo = models.FileField("照片", upload_to="unidentified/%Y/%m/", blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    # Make: an officer names the identified person; check: another approves, then `merged_into` is set.
    merge_target = models.ForeignKey(
        Person,
        verbose_name="拟合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    merge_requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merge_requested_at = models.DateTimeField(null=True, blank=True)
    merge_note = models.CharField("合并依据", max_length=300, blank=True, default="")
    merged_into = models.ForeignKey(
        Person,
        verbose_name="已合并至",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    merged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "无身份人员登记"
        verbose_name_plural = "无身份人员登记"
        ordering = ["-found_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(merge_target__isnull=True),
                name="unidentified_merged_has_no_pending_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.temp_number}"

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class RegistryLoadMode(models.TextChoices):
    LOAD = "load", "首次装载"
    SYNC = "sync", "月度同步"


class RegistryLoad(models.Model):
    """One bulk load of the registry from a snapshot's persons (and deaths) file (people/bulk.py). The
    first load fills an empty registry; every later one is a monthly sync that applies only what changed
    and writes each change to PersonChange. Written in the load's own transaction, so a load that did not
    finish leaves no row."""

    month = models.CharField("月份", max_length=7, db_index=True)
    snapshot = models.CharField("快照", max_length=200)
    persons_sha256 = models.CharField("人口文件sha256", max_length=64, blank=True, default="")
    # The persons file as loaded and its digest computed at load time: the next month's sync compares its
    # file with this one (people/bulk.py) when it is still there, unchanged.
    persons_file = models.CharField("人口文件路径", max_length=500, blank=True, default="")
    persons_digest = models.CharField("人口文件摘要", max_length=64, blank=True, default="")
    mode = models.CharField("方式", max_length=8, choices=RegistryLoadMode.choices)
    rows = models.PositiveIntegerField("文件行数", default=0)
    rejected = models.PositiveIntegerField("拒收行数", default=0)
    summary = models.JSONField("结果", default=dict)
    seconds = models.FloatField("耗时（秒）", default=0)
    created_at = models.DateTimeField("装载时间", auto_now_add=True)

    class Meta:
        verbose_name = "人口库装载"
        verbose_name_plural = "人口库装载"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.month} {self.get_mode_display()}"


class RegistryReject(models.Model):
    """A row of a snapshot file the bulk load left out, with the reason in Chinese (never the ID number:
    the file and line find the row)."""

    load = models.ForeignKey(RegistryLoad, on_delete=models.CASCADE, related_name="rejects")
    source = models.CharField("数据源", max_length=16)
    line = models.PositiveIntegerField("行号")
    reason = models.CharField("拒收原因", max_length=200)

    class Meta:
        verbose_name = "人口库装载拒收行"
        verbose_name_plural = "人口库装载拒收行"
        ordering = ["load", "source", "line"]

    def __str__(self) -> str:
        return f"{self.source}第{self.line}行：{self.reason}"


class PersonChangeKind(models.TextChoices):
    BIRTH = "birth", "出生"
    ARRIVAL = "arrival", "迁入"
    DEATH = "death", "死亡"
    MOVE = "move", "户籍地变更"
    HOUSEHOLD = "household", "家庭户变更"
    LEFT = "left", "离开家庭户"
    FIELD = "field", "信息变更"


class PersonChange(models.Model):
    """The registry's change history as monthly syncs found it: one row per person and change (a field's
    old and new value, or the kind of event), with the month and the load that applied it."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="changes")
    load = models.ForeignKey(RegistryLoad, on_delete=models.PROTECT, related_name="changes")
    month = models.CharField("月份", max_length=7, db_index=True)
    kind = models.CharField("变更类型", max_length=12, choices=PersonChangeKind.choices)
    field = models.CharField("字段", max_length=32, blank=True, default="")
    old_value = models.CharField("原值", max_length=64, blank=True, default="")
    new_value = models.CharField("新值", max_length=64, blank=True, default="")

    class Meta:
        verbose_name = "人员变更记录"
        verbose_name_plural = "人员变更记录"
        ordering = ["person", "month", "id"]

    def __str__(self) -> str:
        return f"{self.person_id} {self.month} {self.kind}"


class RegionPopulation(models.Model):
    """人口月度汇总: the living persons and the households of each region prefix (city 4 digits, county 6,
    township 9, village 12, a grid's full code), refreshed set-based by `population_refresh` (after every
    import and by the monthly job). Pages read their population figures here, one indexed row, instead of
    counting a city-sized table per request."""

    month = models.DateField("统计月份")
    region_code = models.CharField("区划代码前缀", max_length=15)
    persons = models.PositiveIntegerField("在世人数", default=0)
    households = models.PositiveIntegerField("家庭户数", default=0)
    refreshed_at = models.DateTimeField("统计时间")

    class Meta:
        verbose_name = "人口月度汇总"
        verbose_name_plural = "人口月度汇总"
        constraints = [
            models.UniqueConstraint(fields=["month", "region_code"], name="one_population_row_per_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_code}: {self.persons}"
