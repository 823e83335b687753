# Copyright 2026 Repair Service Center Contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Odoo's SMS queue, sent through the company's own gateway.

Every ``sms.sms`` (chatter, composer, templates, marketing) leaves through
``_send``; this override hands rows to a :class:`repair.sms.gateway` instead of
Odoo's paid service when the company has one.

No duplicates, the order of things:

1. *Outbox.* With a gateway configured, rows are only sent by the queue worker
   (the ``sms`` cron, triggered at once): a row created in a user's transaction
   is never handed to a gateway before that transaction commits.
2. *Reserve.* The worker takes its batch with ``FOR UPDATE SKIP LOCKED`` and
   moves it to ``process`` (two workers never take one row), then commits.
3. *Hand off, send, journal* (:mod:`.sms_send_journal`): before each request
   its row gets ``sc_handed_at`` and earlier requests' answers
   (``sc_send_answer``), committed at once on a connection of their own (one
   one-row statement per SMS, one request ahead: committed while the request
   before it is in flight).
4. *Write* the answers (``pending`` + the gateway's message id, or the error)
   the ORM way for the whole batch, and commit.

A worker killed during 3 or 4 leaves rows in ``process``; after a grace period
the status cron recovers them from the journal: answered rows get their answer
(as in 4), rows never handed go back to the queue and leave with the next
worker, and only the rows handed without answer (the request in flight,
which the gateway may have accepted; at most two, see the journal's
look-ahead) are marked failed "may have been sent", never sent again, and the
manager is told. Transient trouble (gateway down, 5xx, "try later") happens
before acceptance: those rows go back to the queue with an exponential
backoff.
"""

import logging
import threading
from datetime import timedelta

import psycopg2.errors

from odoo import api, fields, models

from ..providers.base import STATE_RANK, AmbiguousError, SendResult, TransientError
from .sms_send_journal import JournalConnection, SendJournal

_logger = logging.getLogger(__name__)

# Seconds before the n-th retry (n = attempts already made), capped.
BACKOFF_BASE = 30
BACKOFF_CAP = 3600
# A row in "process" longer than this was interrupted (the worker died).
STUCK_AFTER = timedelta(minutes=15)
# How the hand-off journal commits (PostgreSQL's synchronous_commit, on its
# own connection only). "on" (default): every hand-off is on disk before its
# request leaves, whatever stops, PostgreSQL included. "off": PostgreSQL
# writes it within a fraction of a second; a stopped or killed Odoo loses
# nothing, a crash of PostgreSQL itself may lose the last hand-offs (their
# SMS would then be sent again). See benchmarks/README.md for the cost.
JOURNAL_SYNC_PARAM = "repair_sms.journal_synchronous_commit"
JOURNAL_SYNC_VALUES = {"on": "on", "local": "local", "off": "off"}


def _testing():
    return getattr(threading.current_thread(), "testing", False)


class SmsSms(models.Model):
    _inherit = "sms.sms"

    failure_type = fields.Selection(
        selection_add=[
            ("sms_expired", "Expired"),
            ("sms_invalid_destination", "Invalid Destination"),
            ("sms_not_allowed", "Not Allowed"),
            ("sms_not_delivered", "Not Delivered"),
            ("sms_rejected", "Rejected"),
        ]
    )
    sc_gateway_id = fields.Many2one(
        "repair.sms.gateway",
        string="Gateway",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
    )
    sc_message_id = fields.Char(
        string="Gateway Message ID", index="btree_not_null", readonly=True, copy=False
    )
    sc_failure_reason = fields.Char(string="Gateway Answer", readonly=True, copy=False)
    sc_attempts = fields.Integer(string="Attempts", readonly=True, copy=False)
    sc_send_after = fields.Datetime(
        string="Not Before",
        index="btree_not_null",
        copy=False,
        help="Held until then: quiet hours of the branch, or a retry's backoff.",
    )
    sc_reserved_at = fields.Datetime(string="Reserved On", readonly=True, copy=False)
    sc_handed_at = fields.Datetime(
        string="Handed to Gateway On",
        readonly=True,
        copy=False,
        help="Set (and committed) right before the request to the gateway "
        "left: a row handed without answer after a crash may have been sent.",
    )
    sc_send_answer = fields.Json(
        string="Gateway Answers (journal)",
        readonly=True,
        copy=False,
        help="Gateway answers the worker journaled with this row's hand-off "
        "(those of the previous message, and its own at the end of a batch): "
        "what the recovery applies after a crash.",
    )
    sc_uncertain = fields.Boolean(
        string="May Have Been Sent",
        readonly=True,
        copy=False,
        help="The worker stopped after handing this SMS to the gateway and "
        "before its answer: failed, not sent again. A delivery report that "
        "names it (Kannel's) proves it left and gives it its true state.",
    )
    sc_branch_id = fields.Many2one(
        "stock.warehouse",
        string="Branch",
        index="btree_not_null",
        readonly=True,
        help="A repair's SMS: never leaves during this branch's quiet hours, "
        "retries included.",
    )

    # ------------------------------------------------------------------
    # Queue
    # ------------------------------------------------------------------
    @api.model
    def _sc_gateway_enabled(self):
        return bool(
            self.env["repair.sms.gateway"]
            # sudo: is any gateway set up? (administrators' records)
            .sudo()
            .search_count([("is_default", "=", True)], limit=1)
        )

    def _sc_trigger_worker(self, at=None):
        cron = self.env.ref(
            "sms.ir_cron_sms_scheduler_action", raise_if_not_found=False
        )
        if cron:
            # sudo: wakes Odoo's SMS queue cron.
            cron.sudo()._trigger(at=at)

    def send(
        self,
        unlink_failed=False,
        unlink_sent=True,
        auto_commit=False,
        raise_exception=False,
    ):
        if not self.env.context.get("sc_sms_worker") and self._sc_gateway_enabled():
            # Outbox: the queue worker sends once this transaction is committed.
            self._sc_trigger_worker()
            return None
        return super().send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            auto_commit=auto_commit,
            raise_exception=raise_exception,
        )

    @api.model
    def _process_queue(self, ids=None):
        """Odoo's queue worker, skipping rows held for later (quiet hours, backoff)."""
        # sudo: the worker renders the repairs' SMS on their behalf.
        self.env["repair.sms.notification"].sudo()._sc_render_pending()
        now = fields.Datetime.now()
        domain = [
            ("state", "=", "outgoing"),
            ("to_delete", "!=", True),
            "|",
            ("sc_send_after", "=", False),
            ("sc_send_after", "<=", now),
        ]
        if ids:
            domain.append(("id", "in", ids))
        due = self._sc_hold_quiet_hours(
            self.search(domain, limit=10000, order="id").ids
        )
        res = None
        if due:
            res = super(SmsSms, self.with_context(sc_sms_worker=True))._process_queue(
                ids=due
            )
        self._sc_schedule_next()
        return res

    @api.model
    def _sc_hold_quiet_hours(self, ids):
        """Hold the branches' SMS that fall due in their quiet hours (a row
        rendered at 20:59 that the worker reaches at 21:01, a retry, a
        resend) until the morning; returns the ids that may leave now."""
        if not ids:
            return ids
        now = fields.Datetime.now()
        held = set()
        for (branch,) in self._read_group(
            [("id", "in", ids), ("sc_branch_id", "!=", False)], ["sc_branch_id"]
        ):
            release = branch._sc_sms_release_time(now)
            if release > now:
                rows = self.search(
                    [("id", "in", ids), ("sc_branch_id", "=", branch.id)]
                )
                rows.write({"sc_send_after": release})
                rows._sc_sync_notifications()
                held.update(rows.ids)
        return [sms_id for sms_id in ids if sms_id not in held] if held else ids

    @api.model
    def _sc_schedule_next(self):
        held = self.search(
            [("state", "=", "outgoing"), ("sc_send_after", ">", fields.Datetime.now())],
            order="sc_send_after",
            limit=1,
        )
        if held:
            self._sc_trigger_worker(at=held.sc_send_after)

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        default = self.env["repair.sms.gateway"]._get_default()
        by_gateway = self.grouped(lambda sms: sms.sc_gateway_id or default)
        res = None
        for gateway, rows in by_gateway.items():
            if gateway:
                rows._sc_send_through(gateway)
            else:
                res = super(SmsSms, rows)._send(
                    unlink_failed=unlink_failed,
                    unlink_sent=unlink_sent,
                    raise_exception=raise_exception,
                )
        return res

    def _sc_reserve(self, gateway):
        """Take the rows still queued, skipping those another worker holds.

        SQL because the ORM cannot say ``FOR UPDATE SKIP LOCKED``. Returns the
        reserved rows, now in ``process``, and the reservation's stamp.
        """
        self.flush_model()
        cr = self.env.cr
        try:
            with cr.savepoint(flush=False):
                cr.execute(
                    """
                    UPDATE sms_sms
                       SET state = 'process',
                           sc_gateway_id = %s,
                           sc_reserved_at = now() AT TIME ZONE 'UTC',
                           sc_handed_at = NULL,
                           sc_send_answer = NULL,
                           sc_attempts = COALESCE(sc_attempts, 0) + 1,
                           write_uid = %s,
                           write_date = now() AT TIME ZONE 'UTC'
                     WHERE id IN (
                           SELECT id FROM sms_sms
                            WHERE id = ANY(%s) AND state = 'outgoing'
                              AND to_delete IS NOT TRUE
                              FOR UPDATE SKIP LOCKED)
                 RETURNING id, sc_reserved_at
                    """,
                    [gateway.id, self.env.uid, self.ids],
                    log_exceptions=False,
                )
                rows = cr.fetchall()
        except psycopg2.errors.SerializationFailure:
            # Another worker changed these rows since our snapshot: they are
            # its rows now.
            _logger.info("SMS batch %s taken by another worker", self.ids[:5])
            return self.browse(), None
        self.invalidate_model(
            [
                "state",
                "sc_gateway_id",
                "sc_reserved_at",
                "sc_handed_at",
                "sc_send_answer",
                "sc_attempts",
            ]
        )
        # In queue order (RETURNING gives them in no particular order).
        reserved = self.browse(sorted(row[0] for row in rows))
        return reserved, rows[0][1] if rows else None

    def _sc_send_through(self, gateway):
        reserved, stamp = self._sc_reserve(gateway)
        if not reserved:
            return
        provider = gateway._provider()
        report_url = gateway._report_url()
        messages = [
            {
                "uuid": sms.uuid,
                "number": sms.number,
                "body": sms.body,
                "dlr_url": gateway._report_url(sms.uuid, base=report_url),
            }
            for sms in reserved
        ]
        durable = (
            self.env.context.get("sc_sms_worker")
            and not _testing()
            # An HTTP test's registry hands out cursors on the test's own.
            and not self.env.registry.in_test_mode()
        )
        if not durable:
            # Nothing is committed (a test, a send outside the queue worker):
            # the journal goes with the rest of the transaction.
            journal = SendJournal(self.env.cr, reserved, stamp)
            results = provider.send(messages, journal=journal)
            journal.close()
        else:
            # The reservation must be durable before anything leaves.
            self.env.cr.commit()  # pylint: disable=invalid-commit
            results = self._sc_send_journaled(provider, messages, reserved, stamp)
            # The journal committed on its own connection: end this (read-
            # only) transaction so that the answers below are written on a
            # snapshot that sees it (no serialization failure).
            self.env.cr.commit()  # pylint: disable=invalid-commit
        self.invalidate_model(["state", "sc_handed_at", "sc_send_answer"])
        _logger.info(
            "SMS gateway %s: %d sent, %d accepted",
            gateway.id,
            len(results),
            sum(1 for r in results if r.state in ("pending", "sent")),
        )
        by_uuid = {sms.uuid: sms for sms in reserved}
        # A row the recovery took back meanwhile (worker thought dead) is not
        # ours any more.
        mine = reserved.filtered(lambda sms: sms.state == "process")
        results = [r for r in results if by_uuid[r.uuid] in mine]
        mine._sc_apply_send_results(results, gateway)

    def _sc_send_journaled(self, provider, messages, reserved, stamp):
        """``provider.send`` with its journal on an autocommit connection of
        its own: each hand-off and answer is durable at once, whatever
        becomes of this worker's transaction."""
        # sudo: a technical setting, read by whoever triggered the worker.
        synchronous = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param(JOURNAL_SYNC_PARAM, "on")
            .strip()
            .lower()
        )
        if synchronous not in JOURNAL_SYNC_VALUES:
            _logger.warning(
                "Ignored %s=%r (one of %s): the journal commits synchronously",
                JOURNAL_SYNC_PARAM,
                synchronous,
                ", ".join(JOURNAL_SYNC_VALUES),
            )
            synchronous = "on"
        # The journal's connection of its own (autocommit, asynchronous: the
        # next hand-off is committed while the current request is in flight).
        cnx = JournalConnection(self.env.cr.dbname, JOURNAL_SYNC_VALUES[synchronous])
        try:
            journal = SendJournal(cnx, reserved, stamp)
            try:
                results = provider.send(messages, journal=journal)
            except Exception:
                journal.abort()
                raise
            journal.close()
        finally:
            cnx.close()
        return results

    def _sc_apply_send_results(self, results, gateway):
        by_uuid = {sms.uuid: sms for sms in self}
        now = fields.Datetime.now()
        accepted_ids = {"pending": [], "sent": []}
        failed = self.browse()
        retry = self.browse()
        for result in results:
            sms = by_uuid[result.uuid]
            if result.state in ("pending", "sent"):
                # The values all accepted rows share are written once below.
                if result.message_id or sms.sc_message_id:
                    sms.sc_message_id = result.message_id or False
                accepted_ids[result.state].append(sms.id)
            elif result.state == "retry" and sms.sc_attempts < gateway.max_attempts:
                delay = min(BACKOFF_BASE * 4 ** (sms.sc_attempts - 1), BACKOFF_CAP)
                next_at = now + timedelta(seconds=delay)
                if sms.sc_branch_id:
                    # A retry that would fall in the quiet hours waits for
                    # the morning.
                    next_at = sms.sc_branch_id._sc_sms_release_time(next_at)
                sms.write(
                    {
                        "state": "outgoing",
                        "sc_send_after": next_at,
                        "sc_failure_reason": result.reason[:250],
                    }
                )
                retry |= sms
            else:
                reason = result.reason
                failure_type = result.failure_type or "sms_server"
                if result.state == "retry":
                    reason = self.env._(
                        "Gave up after %(count)s attempts: %(reason)s",
                        count=sms.sc_attempts,
                        reason=result.reason,
                    )
                sms.write(
                    {
                        "state": "error",
                        "failure_type": failure_type,
                        "sc_failure_reason": (reason or "")[:250],
                    }
                )
                failed |= sms
        accepted = self.browse()
        for state, ids in accepted_ids.items():
            rows = self.browse(ids)
            if rows:
                rows.write(
                    {"state": state, "failure_type": False, "sc_failure_reason": False}
                )
                rows.sms_tracker_id._action_update_from_sms_state(state)
                accepted |= rows
        for sms in failed:
            sms.sms_tracker_id._action_update_from_sms_state(
                "error", sms.failure_type, sms.sc_failure_reason
            )
        if retry:
            self._sc_schedule_next()
        (accepted | failed | retry)._sc_sync_notifications()
        # Reports that arrived while the rows were still in "process".
        if accepted:
            self.env["repair.sms.report"]._sc_apply_waiting(gateway)

    # ------------------------------------------------------------------
    # Resend
    # ------------------------------------------------------------------
    def resend_failed(self):
        """Odoo's "Resend" action: back into our queue, and say so.

        Odoo's version sends at once and counts the rows that vanished (sent
        through its paid service); through a gateway the rows stay and leave
        with the queue worker, so it would report a failure for SMS that are
        in fact queued.
        """
        if not self._sc_gateway_enabled():
            return super().resend_failed()
        to_send = self.filtered(lambda sms: sms.state == "error" and not sms.to_delete)
        if not to_send:
            return super().resend_failed()
        to_send._sc_requeue()
        return self._sc_requeued_notification(to_send, total=len(self))

    def _sc_requeue(self):
        """Put failed rows back in the queue as if new (attempts start over),
        held for the quiet hours of their branch, and wake the worker."""
        now = fields.Datetime.now()
        for (branch,), rows in self.grouped(lambda sms: (sms.sc_branch_id,)).items():
            release = branch._sc_sms_release_time(now) if branch else now
            rows.write(
                {
                    "state": "outgoing",
                    "failure_type": False,
                    "sc_failure_reason": False,
                    "sc_attempts": 0,
                    "sc_reserved_at": False,
                    "sc_handed_at": False,
                    "sc_send_answer": False,
                    "sc_uncertain": False,
                    "sc_send_after": release if release > now else False,
                }
            )
        self.sms_tracker_id._action_update_from_sms_state("outgoing")
        self._sc_sync_notifications()
        self._sc_trigger_worker()
        _logger.info("SMS %s queued again by uid %s", self.ids, self.env.uid)

    @api.model
    def _sc_requeued_notification(self, rows, total, next_action=None):
        """The true state of resent rows, for the user who resent them."""
        held = rows.filtered("sc_send_after")
        message = self.env._(
            "%(count)s out of the %(total)s selected SMS are back in the queue; "
            "the gateway sends them within a minute.",
            count=len(rows),
            total=total,
        )
        if held:
            message += " " + self.env._(
                "%(count)s of them wait for the end of the branch's quiet hours "
                "(%(time)s).",
                count=len(held),
                time=fields.Datetime.context_timestamp(
                    self, min(held.mapped("sc_send_after"))
                ).strftime("%H:%M"),
            )
        params = {"title": self.env._("Queued"), "message": message, "type": "success"}
        if next_action:
            params["next"] = next_action
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }

    # ------------------------------------------------------------------
    # Delivery reports and status
    # ------------------------------------------------------------------
    def _sc_apply_status(self, result):
        """Apply one delivery state; never moves a row backwards.

        A row failed as "may have been sent" (``sc_uncertain``) is not final:
        a report about it proves that the gateway has it, and tells its state.
        """
        self.ensure_one()
        if self.state in ("outgoing", "process", "canceled"):
            return False
        rank = STATE_RANK["process"] if self.sc_uncertain else STATE_RANK[self.state]
        if STATE_RANK[result.state] <= rank:
            return True
        vals = {"state": result.state}
        if self.sc_uncertain:
            _logger.info(
                "SMS %s: a delivery report shows that the gateway got it (%s)",
                self.id,
                result.state,
            )
            vals.update(sc_uncertain=False, failure_type=False, sc_failure_reason=False)
        if result.state == "error":
            vals.update(
                failure_type=result.failure_type or "unknown",
                sc_failure_reason=(result.reason or "")[:250],
            )
            self.write(vals)
            self.sms_tracker_id._update_sms_notifications(
                "bounce"
                if result.failure_type in self.BOUNCE_DELIVERY_ERRORS
                else "exception",
                failure_type=result.failure_type,
                failure_reason=result.reason,
            )
        else:
            # Delivered is final: the row goes like Odoo's sent rows (the
            # repair keeps its own record of it).
            vals["to_delete"] = result.state == "sent"
            self.write(vals)
            self.sms_tracker_id._action_update_from_sms_state(result.state)
        self._sc_sync_notifications()
        return True

    def _sc_sync_notifications(self):
        if self:
            # sudo: the repairs' SMS records follow their SMS' state.
            self.env["repair.sms.notification"].sudo()._sc_sync_from_sms(self)

    @api.model
    def _sc_cron_poll_status(self, limit=500):
        """Ask the gateways with a status API; recover interrupted rows."""
        self.env["repair.sms.report"]._sc_apply_waiting()
        gateways = self.env["repair.sms.gateway"].sudo().search([])
        for gateway in gateways.filtered("has_status_api"):
            # sudo: the status cron polls every gateway and its rows.
            rows = self.sudo().search(
                [
                    ("sc_gateway_id", "=", gateway.id),
                    ("state", "=", "pending"),
                    ("sc_message_id", "!=", False),
                ],
                order="write_date",
                limit=limit,
            )
            if not rows:
                continue
            try:
                results = gateway._provider().status(rows.mapped("sc_message_id"))
            except (TransientError, AmbiguousError) as exc:
                _logger.info("Status of SMS gateway %s failed: %s", gateway.id, exc)
                continue
            by_id = {sms.sc_message_id: sms for sms in rows}
            for result in results:
                if result.key in by_id:
                    by_id[result.key]._sc_apply_status(result)
            rows.filtered(lambda s: s.state == "pending").write(
                {"write_date": fields.Datetime.now()}
            )
        self._sc_recover_interrupted()

    @api.model
    def _sc_recover_interrupted(self):
        """Rows a worker left in ``process`` (it died mid-batch), from its
        journal: answered rows get their answer, rows never handed go back to
        the queue, the one in flight is failed "may have been sent"."""
        # sudo: the recovery job takes every worker's interrupted rows.
        stuck = self.sudo().search(
            [
                ("state", "=", "process"),
                ("sc_gateway_id", "!=", False),
                ("sc_reserved_at", "<", fields.Datetime.now() - STUCK_AFTER),
            ]
        )
        if not stuck:
            return
        # An answer is journaled with the next row's hand-off, the last ones
        # on their own rows: all on rows of the same (stuck) batch.
        answers = {
            answer["uuid"]: answer
            for sms in stuck
            for answer in (sms.sc_send_answer or [])
        }
        answered = stuck.filtered(lambda sms: sms.uuid in answers)
        for gateway, rows in answered.grouped("sc_gateway_id").items():
            results = [SendResult(**answers[sms.uuid]) for sms in rows]
            rows._sc_apply_send_results(results, gateway)
        never_handed = stuck.filtered(
            lambda sms: not sms.sc_handed_at and sms.uuid not in answers
        )
        if never_handed:
            _logger.info(
                "SMS %s were reserved by a worker that stopped before handing "
                "them to the gateway: queued again",
                never_handed.ids,
            )
            for attempts, rows in never_handed.grouped("sc_attempts").items():
                # The attempt was never made.
                rows.write(
                    {
                        "state": "outgoing",
                        "sc_reserved_at": False,
                        "sc_attempts": max(attempts - 1, 0),
                    }
                )
            never_handed._sc_sync_notifications()
            self._sc_trigger_worker()
        in_flight = stuck - answered - never_handed
        # A delivery report that names one of them (Kannel's carry our uuid)
        # shows that the gateway accepted it.
        reported = set(
            self.env["repair.sms.report"]
            .search(
                [
                    ("done", "=", False),
                    ("by_uuid", "=", True),
                    ("key", "in", in_flight.mapped("uuid")),
                ]
            )
            .mapped(lambda report: (report.gateway_id.id, report.key))
        )
        accepted = in_flight.filtered(
            lambda sms: (sms.sc_gateway_id.id, sms.uuid) in reported
        )
        for gateway, rows in accepted.grouped("sc_gateway_id").items():
            _logger.info(
                "SMS %s were interrupted after being handed to the gateway; "
                "their delivery reports show that it accepted them",
                rows.ids,
            )
            rows._sc_apply_send_results(
                [SendResult(sms.uuid, "pending") for sms in rows], gateway
            )
        in_flight -= accepted
        if not in_flight:
            return
        _logger.info(
            "SMS %s were interrupted after being handed to the gateway; not sent again",
            in_flight.ids,
        )
        reason = self.env._(
            "Interrupted while the gateway was answering: it may have been sent. "
            "Not sent again, to avoid a duplicate; check the gateway's log."
        )
        in_flight.write(
            {
                "state": "error",
                "failure_type": "unknown",
                "sc_failure_reason": reason,
                "sc_uncertain": True,
            }
        )
        for sms in in_flight:
            sms.sms_tracker_id._action_update_from_sms_state("error", "unknown", reason)
        in_flight._sc_sync_notifications()
