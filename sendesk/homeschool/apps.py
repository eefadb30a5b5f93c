from django.apps import AppConfig

# Home and school talking to each other about a child (issue 11): one conversation per
# child between the parents and the staff in scope, the home-school diary, and meetings a
# parent asks for, with their notes and agreed actions.


class HomeschoolConfig(AppConfig):
    name = "sendesk.homeschool"
    label = "homeschool"
    nav: list = []
