from markupsafe import Markup, escape

from odoo import api, fields, models


class RepairPosSettlement(models.Model):
    """The terminal's daily settlement matched with what was posted."""

    _name = "repair.pos.settlement"
    _description = "Card Terminal Settlement"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True)
    payment_method_id = fields.Many2one(
        "pos.payment.method", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", readonly=True, default=lambda s: s.env.user)
    terminal_id = fields.Char(readonly=True)
    terminal_count = fields.Integer(string="Terminal Transactions", readonly=True)
    terminal_total = fields.Monetary(readonly=True)
    posted_count = fields.Integer(string="Posted Transactions", readonly=True)
    posted_total = fields.Monetary(readonly=True)
    difference = fields.Monetary(readonly=True)
    state = fields.Selection(
        [("matched", "Matched"), ("mismatch", "Difference")],
        required=True,
        readonly=True,
    )
    details = fields.Html(readonly=True, sanitize=True)
    transaction_ids = fields.One2many(
        "repair.pos.transaction", "settlement_id", readonly=True
    )

    @api.model
    def _rpt_create_from(self, method, answer):
        """Match the terminal's batch (by RRN) with the posted transactions."""
        company = method.company_id or self.env.company
        currency = company.currency_id
        factor = 10**currency.decimal_places
        Transaction = self.env["repair.pos.transaction"]
        posted = Transaction.search(
            [
                ("payment_method_id", "=", method.id),
                ("settlement_id", "=", False),
                ("state", "in", ("posted", "refunded")),
            ]
        )
        # A prepayment at intake is a sale for the terminal.
        posted_by_key = {
            ("sale" if t.kind == "prepayment" else t.kind, t.rrn): t for t in posted
        }
        missing, unknown = [], []
        seen = set()
        for row in answer["transactions"]:
            kind = "sale" if row["type"] == "sale" else "refund"
            key = (kind, row["rrn"])
            txn = posted_by_key.get(key)
            if not txn:
                unknown.append(row)
                continue
            seen.add(key)
            if currency.compare_amounts(txn.amount, row["amount_minor"] / factor):
                unknown.append(row)
        missing = posted.filtered(
            lambda t: ("sale" if t.kind == "prepayment" else t.kind, t.rrn) not in seen
        )
        terminal_total = answer["total_minor"] / factor
        posted_total = sum(posted.mapped("amount"))
        difference = currency.round(terminal_total - posted_total)
        lines = []
        for row in unknown:
            lines.append(
                Markup("<li>%s</li>")
                % self.env._(
                    "On the terminal, not posted as such: %(type)s RRN %(rrn)s, "
                    "%(amount)s",
                    type=row["type"],
                    rrn=row["rrn"] or "-",
                    amount=currency.format(row["amount_minor"] / factor),
                )
            )
        for txn in missing:
            lines.append(
                Markup("<li>%s</li>")
                % self.env._(
                    "Posted, not on the terminal: %(ref)s RRN %(rrn)s, %(amount)s",
                    ref=txn.name,
                    rrn=txn.rrn or "-",
                    amount=currency.format(txn.amount),
                )
            )
        mismatch = bool(lines) or not currency.is_zero(difference)
        # sudo: settlements and the link of transactions to them are written
        # by this matching only (the caller is a checked POS administrator).
        settlement = self.sudo().create(
            {
                "name": self.env._(
                    "%(method)s settlement %(date)s",
                    method=method.name,
                    date=fields.Datetime.to_string(fields.Datetime.now()),
                ),
                "payment_method_id": method.id,
                "company_id": company.id,
                "currency_id": currency.id,
                "terminal_id": answer["terminal_id"],
                "terminal_count": answer.get("count") or len(answer["transactions"]),
                "terminal_total": terminal_total,
                "posted_count": len(posted),
                "posted_total": posted_total,
                "difference": difference,
                "state": "mismatch" if mismatch else "matched",
                "details": Markup("<ul>%s</ul>") % Markup("").join(lines)
                if lines
                else escape(self.env._("Every terminal transaction is posted.")),
            }
        )
        # sudo: links the terminal's posted transactions to this settlement.
        posted.sudo().write({"settlement_id": settlement.id})
        return settlement.with_env(self.env)
