"""The REST API (Django REST framework) and its OpenAPI schema (drf-spectacular)."""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "oa_console.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "oa_console.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "oa_console.api.errors.error_envelope_handler",
    "DEFAULT_SCHEMA_CLASS": "oa_console.api.schema.OperationSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Strict JSON only, nesting bounded (a deep body was a RecursionError, a 500).
    "DEFAULT_PARSER_CLASSES": ["oa_console.api.parsers.BoundedJSONParser"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OA Console API",
    "DESCRIPTION": "Insights, friends, segments and broadcasts for LINE Official Accounts.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # The docs page (Swagger UI at /api/v1/docs/) loads nothing from outside: its files come
    # from drf-spectacular-sidecar, and Swagger's online validator badge is off. (Redoc was
    # dropped: its template asks Google Fonts and its sidebar always shows a logo from
    # cdn.redoc.ly, so it cannot work offline.)
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Choice sets that share a field name get a name of their own, not a hash suffix.
    "ENUM_NAME_OVERRIDES": {
        "BroadcastStatusEnum": "broadcasts.models.Broadcast.Status",
        "FriendStatusEnum": "segments.models.Friend.Status",
        "AuditActionEnum": "oa_console.models.AuditAction",
        "JourneyStatusEnum": "journeys.models.Journey.Status",
        "EnrolmentStateEnum": "journeys.models.Enrolment.State",
        "ConversationStatusEnum": "inbox.models.Conversation.Status",
        "ConversationMessageTypeEnum": "inbox.models.ConversationMessage.Type",
        "AnswerMethodEnum": "inbox.models.OutboundAnswer.Method",
        # The broadcasts' send method, named as it was before answers had a method too.
        "MethodEnum": "broadcasts.models.Broadcast.Method",
        "AnswerStatusEnum": "inbox.models.OutboundAnswer.Status",
        "AutoReplyKindEnum": "inbox.models.AutoReplyRule.Kind",
        "RichMenuActionTypeEnum": "richmenus.services.areas.ACTION_TYPES",
        # A friend attribute's type, named as it was before rich menu areas had a type too.
        "TypeEnum": "segments.models.AttributeDefinition.Type",
        "AutoReplyMatchEnum": "inbox.models.AutoReplyRule.Match",
        # The tag rules' names as before the auto-replies' "kind" and "match" came along.
        "KindEnum": "segments.models.TagRule.Kind",
        "MatchEnum": "segments.models.TagRule.Match",
        "CouponStatusEnum": "coupons.models.Coupon.Status",
        "CouponRewardEnum": "coupons.models.Coupon.Reward",
        "RichMenuRuleKindEnum": "richmenus.models.RichMenuRule.Kind",
        "RichMenuTapKindEnum": "richmenus.models.RichMenuTap.Kind",
        "FormQuestionKindEnum": "liff_forms.models.Question.Kind",
        "JourneyEnrolStatusEnum": ["enrolled", "refused", "unknown"],
        "ItemEventResultStatusEnum": ["accepted", "duplicate", "refused"],
    },
}
