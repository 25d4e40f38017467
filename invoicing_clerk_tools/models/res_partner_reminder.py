from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class ResPartner(models.Model):
    """Payment reminder settings of a customer and its reminder history."""

    _inherit = "res.partner"

    clerk_reminder_schedule_id = fields.Many2one(
        "clerk.reminder.schedule", string="Reminder Schedule",
        help="The schedule this customer follows (for invoices of the schedule's company), instead of the one of "
        "its tags or the company default.")
    clerk_reminder_excluded = fields.Boolean(string="No Payment Reminders", tracking=True,
                                             help="This customer is never sent payment reminders (give the reason).")
    clerk_reminder_exclusion_reason = fields.Char(string="Why No Reminders", tracking=True)
    clerk_collections_contact_id = fields.Many2one(
        "res.partner", string="Collections Contact",
        help="Receives payment reminders when the schedule sends them to the collections contact.")
    clerk_reminder_attention = fields.Boolean(
        string="Needs Attention After Reminders", tracking=True,
        help="Set when the last reminder step was performed: the customer needs a clerk's personal attention.")
    clerk_reminder_communication_ids = fields.One2many("clerk.reminder.communication", "partner_id",
                                                       string="Payment Reminders")
    clerk_reminder_communication_count = fields.Integer(compute="_compute_clerk_reminder_communication_count")

    @api.constrains("clerk_reminder_excluded", "clerk_reminder_exclusion_reason")
    def _check_clerk_reminder_exclusion(self):
        for partner in self:
            if partner.clerk_reminder_excluded and not (partner.clerk_reminder_exclusion_reason or "").strip():
                raise ValidationError(self.env._(
                    "Why No Reminders: say why %s is excluded from payment reminders.", partner.display_name))

    def _compute_clerk_reminder_communication_count(self):
        counts = dict(self.env["clerk.reminder.communication"]._read_group(
            [("partner_id", "in", self.commercial_partner_id.ids)], ["partner_id"], ["__count"]))
        for partner in self:
            partner.clerk_reminder_communication_count = counts.get(partner.commercial_partner_id, 0)

    def action_clerk_reminder_attention_done(self):
        """A clerk followed the customer up: the flag goes (clerks may not edit contacts otherwise)."""
        if not self.env.user.has_group("invoicing_clerk_tools.group_clerk"):
            raise AccessError(self.env._("Only invoicing clerks may clear this flag."))
        self.check_access("read")
        self.sudo().write({"clerk_reminder_attention": False})
        return True

    def action_clerk_reminder_communications(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "invoicing_clerk_tools.clerk_reminder_communication_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"create": False}
        return action
