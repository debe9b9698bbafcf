"""The "Offer approval" workflow: company administrator, then reference hub; and the hub moderators' group."""

from django.db import migrations

WORKFLOW = "Offer approval"
HUB_MODERATORS_GROUP = "Hub moderators"


def create_workflow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW, defaults={"active": True})
    if created:
        for order, (model_name, name) in enumerate(
            [("CompanyAdminApprovalTask", "Company validation"), ("HubApprovalTask", "Reference hub validation")]
        ):
            model = apps.get_model("workflows", model_name)
            content_type, _ = ContentType.objects.get_or_create(app_label="workflows", model=model_name.lower())
            task = model.objects.create(name=name, active=True, content_type=content_type)
            WorkflowTask.objects.create(workflow=workflow, task_id=task.pk, sort_order=order)

    # Hub moderators may also approve from the Wagtail admin: they need to reach it.
    group, _ = Group.objects.get_or_create(name=HUB_MODERATORS_GROUP)
    admin_type, _ = ContentType.objects.get_or_create(app_label="wagtailadmin", model="admin")
    access_admin, _ = Permission.objects.get_or_create(
        content_type=admin_type, codename="access_admin", defaults={"name": "Can access Wagtail admin"}
    )
    group.permissions.add(access_admin)


class Migration(migrations.Migration):
    dependencies = [
        ("workflows", "0001_initial"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
        ("wagtailadmin", "0005_editingsession_is_editing"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
