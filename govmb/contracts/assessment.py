"""The words the assessment service and the pages share for the training register (the
assessment service publishes no events)."""

TRAINING_KIND_NAMES = {"course": "授课培训", "exchange": "经验交流座谈会"}
TRAINER_KIND_NAMES = {"platform_expert": "平台技术专家", "leader": "有关领导", "scholar": "学者",
                      "site_manager": "网站负责人", "opinion_leader": "意见领袖", "practitioner": "先进单位代表"}
