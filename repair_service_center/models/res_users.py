from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResUsers(models.Model):
    _inherit = "res.users"

    sc_branch_ids = fields.Many2many(
        "stock.warehouse",
        "res_users_sc_branch_rel",
        "user_id",
        "warehouse_id",
        string="Allowed Branches",
        help="Service center branches whose repairs this user may see and work on.",
    )
    sc_branch_id = fields.Many2one(
        "stock.warehouse",
        string="Current Branch",
        compute="_compute_sc_branch_id",
        store=True,
        readonly=False,
        help="Branch used by default for new repairs taken in by this user.",
    )
    sc_daily_capacity = fields.Float(
        string="Daily Capacity (hours)",
        default=0.0,
        help="Hours of repair work this engineer can do in one working day; "
        "used to propose deadlines from the engineer's queue.",
    )
    sc_is_engineer = fields.Boolean(
        string="Is Engineer",
        compute="_compute_sc_is_engineer",
        search="_search_sc_is_engineer",
    )

    sc_branch_sealed = fields.Boolean(
        string="Bound to Branches",
        compute="_compute_sc_branch_sealed",
        help="Technical: the user has a service center role and is not its "
        "administrator, so records of other branches are hidden from them.",
    )

    @api.depends("sc_branch_ids")
    def _compute_sc_branch_id(self):
        for user in self:
            if user.sc_branch_id not in user.sc_branch_ids:
                user.sc_branch_id = user.sc_branch_ids[:1]

    def _compute_sc_is_engineer(self):
        group = self.env.ref("repair_service_center.group_sc_engineer")
        for user in self:
            user.sc_is_engineer = group in user.groups_id

    @api.depends("groups_id")
    def _compute_sc_branch_sealed(self):
        for user in self:
            user.sc_branch_sealed = user.has_group(
                "repair_service_center.group_sc_user"
            ) and not user.has_group("repair_service_center.group_sc_admin")

    def _search_sc_is_engineer(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(self.env._("Operation not supported"))
        group = self.env.ref("repair_service_center.group_sc_engineer")
        positive = (operator == "=") == value
        return [("groups_id", "in" if positive else "not in", group.ids)]

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        if any("sc_branch_ids" in vals for vals in vals_list):
            # Branch record rules read user.sc_branch_ids: drop cached rule domains.
            self.env.registry.clear_cache()
        return users

    def write(self, vals):
        res = super().write(vals)
        if "sc_branch_ids" in vals:
            # Branch record rules read user.sc_branch_ids: drop cached rule domains.
            self.env.registry.clear_cache()
        return res

    @property
    def SELF_READABLE_FIELDS(self):
        return super().SELF_READABLE_FIELDS + [
            "sc_branch_ids",
            "sc_branch_id",
            "sc_daily_capacity",
        ]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return super().SELF_WRITEABLE_FIELDS + ["sc_branch_id"]

    @api.constrains("sc_branch_id", "sc_branch_ids")
    def _check_sc_branch_id(self):
        for user in self:
            if user.sc_branch_id and user.sc_branch_id not in user.sc_branch_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot work in branch %(branch)s: "
                        "it is not among the user's allowed branches.",
                        user=user.name,
                        branch=user.sc_branch_id.name,
                    )
                )
