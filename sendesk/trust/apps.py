from django.apps import AppConfig

# The trust view (issue 13): one view of SEN across a trust's schools, for the trust's
# SENCO and lead (schools.TrustRole). Their roles come with the school roles
# (capabilities.trust_roles_of), so the entry costs a school's staff no query; someone
# with no school role (a trust lead) is asked once a page whether they are a parent too.


class TrustConfig(AppConfig):
    name = "sendesk.trust"
    label = "trust"
    nav = [(55, "trust_overview", "Trust", {"trust_senco", "trust_lead"})]
    audit_names: dict = {}
