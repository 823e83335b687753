# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import datetime, time, timedelta

import pytz
from babel.dates import get_day_names

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import get_lang


def _hours(value):
    hours = int(value)
    return "%02d:%02d" % (hours, round((value - hours) * 60))


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    sc_sms_quiet_from = fields.Float(
        string="No SMS From",
        default=21.0,
        help="Start of the quiet hours (branch time): SMS are held until the end.",
    )
    sc_sms_quiet_to = fields.Float(
        string="No SMS Until", default=9.0, help="End of the quiet hours."
    )
    sc_opening_hours = fields.Char(
        string="Opening Hours",
        translate=True,
        help="As the Ready SMS says it. Empty: worked out from the branch's "
        "working days.",
    )

    @api.constrains("sc_sms_quiet_from", "sc_sms_quiet_to")
    def _check_sc_quiet_hours(self):
        for branch in self:
            for value in (branch.sc_sms_quiet_from, branch.sc_sms_quiet_to):
                if not 0 <= value <= 24:
                    raise ValidationError(
                        self.env._("Quiet hours are hours of the day, 0 to 24.")
                    )

    def _sc_tz(self):
        self.ensure_one()
        return pytz.timezone(
            self.sc_calendar_id.tz or self.env.company.resource_calendar_id.tz or "UTC"
        )

    def _sc_sms_release_time(self, now=None):
        """When an SMS queued ``now`` (naive UTC) may leave: now, or the end of
        the quiet hours in the branch's time zone."""
        self.ensure_one()
        now = now or fields.Datetime.now()
        start, end = self.sc_sms_quiet_from, self.sc_sms_quiet_to
        if start == end:
            return now
        tz = self._sc_tz()
        local = pytz.utc.localize(now).astimezone(tz)
        hour = local.hour + local.minute / 60.0
        quiet = (start <= hour or hour < end) if start > end else start <= hour < end
        if not quiet:
            return now
        release_day = local.date()
        if start > end and hour >= start:
            release_day += timedelta(days=1)
        end_time = time(int(end) % 24, round((end - int(end)) * 60))
        release = tz.localize(datetime.combine(release_day, end_time))
        return release.astimezone(pytz.utc).replace(tzinfo=None)

    def _sc_opening_hours_text(self, lang=None):
        """ "Mon–Fri 10:00–19:00" from the branch's working days."""
        self.ensure_one()
        if self.sc_opening_hours:
            return self.with_context(lang=lang).sc_opening_hours
        calendar = self.sc_calendar_id
        if not calendar:
            return ""
        locale = get_lang(self.env, lang).code
        names = get_day_names("abbreviated", locale=locale)
        days = {}
        for attendance in calendar.attendance_ids.filtered(lambda a: not a.week_type):
            day = int(attendance.dayofweek)
            low, high = days.get(day, (24.0, 0.0))
            days[day] = (
                min(low, attendance.hour_from),
                max(high, attendance.hour_to),
            )
        groups = []
        for day in sorted(days):
            if groups and groups[-1][1] == day - 1 and groups[-1][2] == days[day]:
                groups[-1][1] = day
            else:
                groups.append([day, day, days[day]])
        parts = []
        for first, last, (low, high) in groups:
            label = names[first] if first == last else f"{names[first]}–{names[last]}"
            parts.append(f"{label} {_hours(low)}–{_hours(high)}")
        return ", ".join(parts)
