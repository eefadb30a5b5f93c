from .main import api

# Included from sendesk/urls.py as a module, so the namespace comes from app_name; ninja's
# docs page reverses "api:openapi-json".
app_name = api.urls_namespace
urlpatterns = api.urls[0]
