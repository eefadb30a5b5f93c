from django.apps import AppConfig

# The pages that span every domain (the pupil page, the SENCO's overview) live here; every
# app's own entries come from its AppConfig (see context.nav).


class FrontConfig(AppConfig):
    name = "sendesk.front"
    label = "front"
    nav = [
        (50, "overview", "Overview", {"senco", "head"}),
        (60, "care_today", "Today's care", {"senco", "head"}),
        (90, "pupil_list", "Pupils", {"ta", "hlta", "teacher", "senco", "head", "dsl"}),
    ]
