"""Demo steps that the XML of ``demo/`` cannot say by itself.

The demo service center is described in ``demo/*.xml``: records for the
master data and the repairs, ``<function>`` steps (run as the demo user whose
role does them, through the ``uid`` attribute) for the workflow. This model
holds the few steps XML cannot express: making sure Russian is installed,
moving a finished repair's story into the past (creation dates are not
writable through the ORM), and checking that every demo repair ended in the
stage the demo says.
"""

import logging
from datetime import timedelta

from odoo import api, models
from odoo.exceptions import UserError

_logger = logging.getLogger(__name__)

MODULE = "repair_service_center"

# Hours after intake at which the earlier, delivered repair entered each stage.
STAGE_TIMELINE_HOURS = {
    "new": 0.0,
    "received": 0.1,
    "diagnosis": 1.0,
    "waiting_parts": 2.0,
    "in_repair": 26.0,
    "ready": 29.0,
    "delivered": 52.0,
}


class RepairServiceCenterDemo(models.AbstractModel):
    """Helpers of the demo service center (no table, no records)."""

    _name = "repair.service.center.demo"
    _description = "Service Center Demo Helpers"

    @api.model
    def _ensure_lang(self, code):
        """Install language ``code`` (with its terms) unless it is active.

        The demo's staff and clients speak Russian: ``make serve`` and
        ``make test`` load it beforehand; a plain ``-i`` does not.
        """
        if self.env["res.lang"]._get_data(code=code):
            return False
        self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"].search(
            [("state", "=", "installed")]
        )._update_translations(filter_lang=code)
        return True

    @api.model
    def _check_stages(self, expected):
        """Fail the demo loudly if a step did not lead where it should.

        :param dict expected: XML id of a demo repair -> its service stage
        """
        for xmlid, stage in expected.items():
            repair = self.env.ref(f"{MODULE}.{xmlid}")
            if repair.service_stage != stage:
                raise UserError(
                    self.env._(
                        "Demo: repair %(ref)s is “%(stage)s”, expected “%(expected)s”.",
                        ref=repair.name,
                        stage=repair.service_stage,
                        expected=stage,
                    )
                )
        return True

    @api.model
    def _backdate(self, xmlid, days):
        """Move the whole story of a finished repair ``days`` into the past.

        Creation and stage dates are not writable through the ORM, hence SQL.
        """
        repair = self.env.ref(f"{MODULE}.{xmlid}")
        age = timedelta(days=days)
        self.env.flush_all()
        cr = self.env.cr
        params = {"age": age, "repair": repair.id}
        cr.execute(
            """
            UPDATE repair_order
               SET create_date = create_date - %(age)s,
                   write_date = write_date - %(age)s,
                   intake_date = intake_date - %(age)s,
                   service_stage_date = service_stage_date - %(age)s,
                   schedule_date = schedule_date - %(age)s,
                   date_deadline = date_deadline - %(age)s,
                   promised_date = promised_date - %(age)s
             WHERE id = %(repair)s
            """,
            params,
        )
        # One stage after the other over a couple of days, not all at once
        # (through the ORM, so that the stored hours in stage follow).
        # sudo: audit rows are written by the stage machine only.
        periods = (
            self.env["repair.stage.history"]
            .sudo()
            .search([("repair_id", "=", repair.id)], order="id")
        )
        if periods:
            start = periods[0].date_start - age
            starts = [
                start + timedelta(hours=STAGE_TIMELINE_HOURS.get(period.stage, 0.0))
                for period in periods
            ]
            for period, date_start, date_end in zip(
                periods, starts, starts[1:] + [False], strict=True
            ):
                period.write({"date_start": date_start, "date_end": date_end})
            periods.flush_recordset()
            received = dict(zip(periods.mapped("stage"), starts, strict=True)).get(
                "received"
            )
            cr.execute(
                """
                UPDATE repair_order
                   SET service_stage_date = %s,
                       intake_date = COALESCE(%s, intake_date)
                 WHERE id = %s
                """,
                (starts[-1], received, repair.id),
            )
            cr.execute(
                "UPDATE repair_stage_history SET create_date = date_start "
                "WHERE id IN %s",
                (tuple(periods.ids),),
            )
        cr.execute(
            """
            UPDATE repair_deadline_log
               SET old_deadline = old_deadline - %(age)s,
                   new_deadline = new_deadline - %(age)s,
                   create_date = create_date - %(age)s
             WHERE repair_id = %(repair)s
            """,
            params,
        )
        cr.execute(
            """
            UPDATE mail_message
               SET date = date - %(age)s, create_date = create_date - %(age)s
             WHERE model = 'repair.order' AND res_id = %(repair)s
            """,
            params,
        )
        moves = self.env["stock.move"].search(
            [
                "|",
                ("repair_id", "=", repair.id),
                ("group_id", "=", repair.procurement_group_id.id),
            ]
        )
        if moves:
            params["moves"] = tuple(moves.ids)
            cr.execute(
                """
                UPDATE stock_move
                   SET date = date - %(age)s, create_date = create_date - %(age)s
                 WHERE id IN %(moves)s
                """,
                params,
            )
            cr.execute(
                """
                UPDATE stock_move_line
                   SET date = date - %(age)s, create_date = create_date - %(age)s
                 WHERE move_id IN %(moves)s
                """,
                params,
            )
        if moves.picking_id:
            params["pickings"] = tuple(moves.picking_id.ids)
            cr.execute(
                """
                UPDATE stock_picking
                   SET scheduled_date = scheduled_date - %(age)s,
                       date = date - %(age)s,
                       date_done = date_done - %(age)s,
                       create_date = create_date - %(age)s
                 WHERE id IN %(pickings)s
                """,
                params,
            )
        if repair.sale_order_id:
            params["order"] = repair.sale_order_id.id
            cr.execute(
                """
                UPDATE sale_order
                   SET date_order = date_order - %(age)s,
                       create_date = create_date - %(age)s
                 WHERE id = %(order)s
                """,
                params,
            )
        self.env.invalidate_all()
        _logger.info("Demo: repair %s moved %s days into the past.", repair.name, days)
        return True
