# Eddy's additions to moto's CloudFormation, loaded into moto's server before it starts (MotoServer.java).
#
# moto 5.2.5 creates most of what an Eddy pipeline's stack holds, but not two resource types that other resources
# of the stack reference, so without them the whole stack fails ("Fn::GetAtt references undefined resource"):
#   AWS::KinesisFirehose::DeliveryStream  (the Firehose sinks; the function's role policy names its ARN)
#   AWS::Lambda::Alias                    (the SnapStart alias "live"; the event source mapping invokes it)
#   AWS::Scheduler::Schedule              (the heartbeat's schedule; created, not run)
# Both are created here through moto's own service backends, exactly as the service APIs create them, and moto's
# AWS::Lambda::Version gets the attribute the alias reads (Fn::GetAtt Version.Version), so the deployed stack is the
# template as synthesised, unchanged. And a stack created or updated through a change set (what `cdk deploy` does)
# gets its outputs and exports, which moto computes only for CreateStack and UpdateStack; a bucket whose name
# CloudFormation makes up stays within S3's 63 characters, as CloudFormation keeps it, however long its logical id. Every other type moto lacks (alarms, bucket, topic and
# queue policies) is left to moto, which skips it with a warning; `eddy deploy` reports each as skipped.

from moto.awslambda.models import LambdaBackend, LambdaVersion, lambda_backends
from moto.cloudformation import parsing
from moto.cloudformation.models import CloudFormationBackend
from moto.core.common_models import CloudFormationModel
from moto.firehose.models import firehose_backends
from moto.scheduler.models import scheduler_backends


class EddyDeliveryStream(CloudFormationModel):
    __module__ = "moto.firehose.eddy"  # moto files a model under the service its module names

    def __init__(self, account_id, region_name, name, arn):
        self.account_id = account_id
        self.region_name = region_name
        self.name = name
        self.arn = arn

    @staticmethod
    def cloudformation_name_type():
        return "DeliveryStreamName"

    @staticmethod
    def cloudformation_type():
        return "AWS::KinesisFirehose::DeliveryStream"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "Arn":
            return self.arn
        raise NotImplementedError('"Fn::GetAtt" : [ "{0}" , "%s" ]"' % attribute_name)

    @property
    def physical_resource_id(self):
        return self.name

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                        **kwargs):
        properties = cloudformation_json["Properties"]
        name = properties.get("DeliveryStreamName", resource_name)
        backend = firehose_backends[account_id][region_name]
        arn = backend.create_delivery_stream(
            region_name,
            name,
            properties.get("DeliveryStreamType", "DirectPut"),
            properties.get("KinesisStreamSourceConfiguration"),
            properties.get("DeliveryStreamEncryptionConfigurationInput"),
            properties.get("S3DestinationConfiguration"),
            properties.get("ExtendedS3DestinationConfiguration"),
            properties.get("RedshiftDestinationConfiguration"),
            properties.get("ElasticsearchDestinationConfiguration"),
            properties.get("SplunkDestinationConfiguration"),
            properties.get("HttpEndpointDestinationConfiguration"),
            properties.get("SnowflakeDestinationConfiguration"),
            properties.get("IcebergDestinationConfiguration"),
            properties.get("Tags") or [],
        )
        return cls(account_id, region_name, name, arn)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        cls.delete_from_cloudformation_json(original_resource.name, cloudformation_json, account_id, region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        name = cloudformation_json.get("Properties", {}).get("DeliveryStreamName", resource_name)
        firehose_backends[account_id][region_name].delete_delivery_stream(name)

    def is_created(self):
        return True


class EddySchedule(CloudFormationModel):
    """AWS::Scheduler::Schedule (the heartbeat's schedule), through moto's EventBridge Scheduler backend. The
    schedule is created, not run: moto's server runs no schedules (eddy run puts the heartbeats itself)."""
    __module__ = "moto.scheduler.eddy"

    def __init__(self, schedule):
        self.schedule = schedule

    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::Scheduler::Schedule"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "Arn"

    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "Arn":
            return self.schedule.arn
        raise NotImplementedError('"Fn::GetAtt" : [ "{0}" , "%s" ]"' % attribute_name)

    @property
    def physical_resource_id(self):
        return self.schedule.name

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                        **kwargs):
        p = cloudformation_json["Properties"]
        schedule = scheduler_backends[account_id][region_name].create_schedule(
            description=p.get("Description"), end_date=p.get("EndDate"),
            flexible_time_window=p.get("FlexibleTimeWindow", {"Mode": "OFF"}), group_name=p.get("GroupName"),
            kms_key_arn=p.get("KmsKeyArn"), name=p.get("Name", resource_name),
            schedule_expression=p["ScheduleExpression"],
            schedule_expression_timezone=p.get("ScheduleExpressionTimezone"), start_date=p.get("StartDate"),
            state=p.get("State"), target=p["Target"], action_after_completion=None)
        return cls(schedule)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        p = cloudformation_json.get("Properties", {})
        scheduler_backends[account_id][region_name].delete_schedule(p.get("GroupName"), p.get("Name", resource_name))

    def is_created(self):
        return True


class EddyLambdaAlias(CloudFormationModel):
    __module__ = "moto.awslambda.eddy"

    def __init__(self, alias):
        self.alias = alias

    @staticmethod
    def cloudformation_name_type():
        return "Name"

    @staticmethod
    def cloudformation_type():
        return "AWS::Lambda::Alias"

    @classmethod
    def has_cfn_attr(cls, attr):
        return attr == "AliasArn"

    def get_cfn_attribute(self, attribute_name):
        if attribute_name == "AliasArn":
            return self.alias.arn
        raise NotImplementedError('"Fn::GetAtt" : [ "{0}" , "%s" ]"' % attribute_name)

    @property
    def physical_resource_id(self):
        return self.alias.arn

    @classmethod
    def create_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name,
                                        **kwargs):
        properties = cloudformation_json["Properties"]
        backend = lambda_backends[account_id][region_name]
        function_name = properties["FunctionName"]
        version = properties.get("FunctionVersion")
        if version is None:
            # moto's AWS::Lambda::Version has no attributes, so GetAtt Version.Version resolves to nothing: the
            # alias points at the function's latest published version, which the stack's Version just published
            versions = [v.version for v in backend.list_versions_by_function(function_name)
                        if v.version != "$LATEST"]
            version = max(versions, key=int) if versions else "$LATEST"
        alias = backend.create_alias(properties.get("Name", resource_name), function_name, str(version),
                                     properties.get("Description", ""), properties.get("RoutingConfig"))
        return cls(alias)

    @classmethod
    def update_from_cloudformation_json(cls, original_resource, new_resource_name, cloudformation_json,
                                        account_id, region_name):
        cls.delete_from_cloudformation_json(original_resource.alias.name, cloudformation_json, account_id,
                                            region_name)
        return cls.create_from_cloudformation_json(new_resource_name, cloudformation_json, account_id, region_name)

    @classmethod
    def delete_from_cloudformation_json(cls, resource_name, cloudformation_json, account_id, region_name):
        properties = cloudformation_json.get("Properties", {})
        lambda_backends[account_id][region_name].delete_alias(properties.get("Name", resource_name),
                                                              properties["FunctionName"])

    def is_created(self):
        return True


def _version_attribute(self, attribute_name):
    if attribute_name == "Version":
        return self.version
    raise NotImplementedError('"Fn::GetAtt" : [ "{0}" , "%s" ]"' % attribute_name)


LambdaVersion.get_cfn_attribute = _version_attribute
LambdaVersion.has_cfn_attr = classmethod(lambda cls, attr: attr == "Version")


_execute_change_set = CloudFormationBackend.execute_change_set


def _execute_change_set_with_outputs(self, change_set_name, stack_name=None):
    _execute_change_set(self, change_set_name, stack_name)
    change_set = self.change_sets.get(change_set_name) or next(
        c for c in self.change_sets.values() if c.change_set_name == change_set_name)
    stack = self.stacks[change_set.stack_id]
    stack._parse_template()
    stack.output_map = stack._create_output_map()
    for export in stack.exports:
        self.exports[export.name] = export


CloudFormationBackend.execute_change_set = _execute_change_set_with_outputs


_generate_resource_name = parsing.generate_resource_name


def _generate_resource_name_within_limits(resource_type, stack_name, logical_id):
    name = _generate_resource_name(resource_type, stack_name, logical_id)
    if resource_type == "AWS::S3::Bucket" and len(name) > 63:
        suffix = name.rsplit("-", 1)[1]
        name = f"{stack_name[:20]}-{logical_id[:62 - 21 - len(suffix)]}-{suffix}".lower()
    return name


parsing.generate_resource_name = _generate_resource_name_within_limits


def _kinesis_message_left_to_eddy(self, *args, **kwargs):
    return None


LambdaBackend.send_kinesis_message = _kinesis_message_left_to_eddy
