from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ClerkTeam(models.Model):
    """A team of invoicing clerks sharing a workload: a leader and members.

    The workspace's "My Team" switch shows the queues of every member of the
    teams the user leads or belongs to (for users of the *Team Queues* group).
    Its own small model rather than Sales Teams (``sales_team`` is not a
    dependency of Accounting) or HR departments (``hr`` is not installed for
    invoicing): a billing team rarely matches either.
    """

    _name = "clerk.team"
    _inherit = ["mail.thread"]
    _description = "Invoicing Clerk Team"
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company,
                                 tracking=True)
    leader_id = fields.Many2one("res.users", string="Team Leader", domain="[('share', '=', False)]", tracking=True,
                                help="Sees the team's queues and workloads and may reassign its customers.")
    member_ids = fields.Many2many("res.users", "clerk_team_member_rel", "team_id", "user_id", string="Members",
                                  domain="[('share', '=', False)]", tracking=True)

    @api.constrains("leader_id", "member_ids", "company_id")
    def _check_members(self):
        for team in self:
            users = team.member_ids | team.leader_id
            outside = users.filtered(lambda user, company=team.company_id: company not in user.company_ids)
            if outside:
                raise ValidationError(self.env._(
                    "Members: %(users)s cannot work for %(company)s; give them access to the company or remove "
                    "them from team %(team)s.", users=", ".join(outside.mapped("name")),
                    company=team.company_id.name, team=team.name))
            if users.filtered("share"):
                raise ValidationError(self.env._("Members: team %(team)s may only hold internal users.",
                                                 team=team.name))

    @api.model
    def _team_user_ids(self, user=None):
        """Ids of the users in the teams ``user`` leads or belongs to (the user included), in the current companies."""
        user = user or self.env.user
        teams = self.sudo().search_fetch([
            ("company_id", "in", self.env.companies.ids),
            "|", ("leader_id", "=", user.id), ("member_ids", "in", user.id),
        ], ["leader_id", "member_ids"])
        return sorted(set(teams.member_ids.ids) | set(teams.leader_id.ids) | {user.id})
