"""Demo data: Zhuhai's 2020 "Be a Good Netizen of China" programme.

Pure data module used by the seed command. It holds the responsible units,
the districts, the programme itself and its nine key activities. All
user-facing content is in Simplified Chinese; HTML fragments only use the
tags p, strong, ul, li, ol and br.
"""

from __future__ import annotations

# Allowed kinds of responsible / participating units.
UNIT_KINDS = ("office", "member", "district", "school", "enterprise", "social_org")

# Responsible units. Each: name (unique), kind (one of UNIT_KINDS),
# district (None or one of the DISTRICTS setting).
UNITS: list[dict] = [
    # Lead office of the programme
    {"name": "市委网信办", "kind": "office", "district": None},
    # Member units of the programme
    {"name": "市教育局", "kind": "member", "district": None},
    {"name": "市总工会", "kind": "member", "district": None},
    {"name": "团市委", "kind": "member", "district": None},
    {"name": "市妇联", "kind": "member", "district": None},
    {"name": "中国人民银行珠海中心支行", "kind": "member", "district": None},
    # Media group and network social organisations
    {"name": "珠海传媒集团", "kind": "enterprise", "district": None},
    {"name": "市级网络社会组织", "kind": "social_org", "district": None},
    {"name": "珠海市网络文化协会", "kind": "social_org", "district": None},
    # District cyberspace offices
    {"name": "香洲区委网信办", "kind": "district", "district": "香洲区"},
    {"name": "金湾区委网信办", "kind": "district", "district": "金湾区"},
    {"name": "斗门区委网信办", "kind": "district", "district": "斗门区"},
    {"name": "横琴新区网信办", "kind": "district", "district": "横琴新区"},
    {"name": "高新区网信办", "kind": "district", "district": "高新区"},
    {"name": "高栏港经济区网信办", "kind": "district", "district": "高栏港经济区"},
    {"name": "万山区网信办", "kind": "district", "district": "万山海洋开发试验区"},
    # Sample schools and enterprise
    {"name": "珠海市第一中学", "kind": "school", "district": "香洲区"},
    {"name": "珠海市斗门区第一中学", "kind": "school", "district": "斗门区"},
    {"name": "珠海示范科技有限公司", "kind": "enterprise", "district": "高新区"},
]

PROGRAMME = {
    # The seed replaces 2020 by the current year for the current programme.
    "title": "珠海市2020年争做中国好网民工程",
    "lead_unit": "市委网信办",
    "description_html": (
        "<p>为深入学习贯彻习近平总书记关于网络强国的重要思想，落实中央网信办、"
        "省委网信办关于实施“争做中国好网民”工程的部署要求，市委网信办会同"
        "市直有关单位和各区，组织实施本年度珠海市争做中国好网民工程。</p>"
        "<p>工程围绕决胜全面建成小康社会、决战脱贫攻坚和疫情防控等重点任务，"
        "面向职工、青少年、妇女、金融消费者等群体开展九项重点活动，引导广大"
        "网民尊德守法、文明互动、理性表达，共同营造清朗网络空间。</p>"
    ),
}

CONTESTS: list[dict] = [
    # 1. Good netizen stories
    {
        "key": "good_netizen_stories",
        "code": "GS",
        "slug": "good-netizen-stories",
        "title": "珠海好网民故事征集",
        "lead_unit": "市委网信办",
        "co_units": [
            "珠海传媒集团",
            "香洲区委网信办",
            "金湾区委网信办",
            "斗门区委网信办",
            "横琴新区网信办",
            "高新区网信办",
            "高栏港经济区网信办",
            "万山区网信办",
        ],
        "theme": "讲述身边好网民故事，汇聚网络正能量",
        "description_html": (
            "<p>面向全市广大网民征集好网民故事，挖掘和宣传在网络空间崇德向善、"
            "遵法守纪、助人为乐的先进典型，特别是疫情防控期间依法上网、理性发声、"
            "传递温暖的感人事迹，以身边人讲身边事，引导网民争做中国好网民。</p>"
        ),
        "rules_html": (
            "<p><strong>参赛对象：</strong>在珠海学习、工作、生活的网民，以及市直"
            "各单位、各区网信部门推荐的先进典型。</p>"
            "<ul>"
            "<li>作品须为真人真事、原创首发，字数800至3000字；</li>"
            "<li>每人每组限报1件，单位推荐组须由推荐单位审核把关；</li>"
            "<li>征集截止后组织专家评审，并结合网络投票结果确定获奖作品；</li>"
            "<li>评出一等奖3名、二等奖6名、三等奖10名、优秀奖20名，优秀作品"
            "推荐参加“南粤好网民故事”评选。</li>"
            "</ul>"
        ),
        "recommended_to": "南粤好网民故事",
        "entries_per_category": 1,
        "voting": True,
        "eligibility": {
            "min_age": None,
            "max_age": None,
            "districts": [],
            "unit_kinds": [],
            "real_name": True,
        },
        "categories": [
            {
                "code": "A",
                "name": "网民个人组",
                "kind": "story",
                "description": "网民以第一人称讲述本人或身边好网民的真实故事。",
                "min_chars": 800,
                "max_chars": 3000,
                "max_files": None,
                "max_file_mb": None,
                "max_duration_s": None,
                "recommend_quota": 5,
            },
            {
                "code": "B",
                "name": "单位推荐组",
                "kind": "story",
                "description": "市直单位和各区网信部门推荐的好网民典型事迹。",
                "min_chars": 800,
                "max_chars": 3000,
                "max_files": None,
                "max_file_mb": None,
                "max_duration_s": None,
                "recommend_quota": 3,
            },
        ],
    },
    # 2. Workers' positive energy online
    {
        "key": "workers_positive_energy",
        "code": "ZG",
        "slug": "workers-positive-energy",
        "title": "网聚职工正能量 争做中国好网民",
        "lead_unit": "市总工会",
        "co_units": ["市委网信办"],
        "theme": "弘扬劳模精神、劳动精神、工匠精神，讲好珠海职工故事",
        "description_html": (
            "<p>围绕复工复产、决胜全面小康等主题，组织全市广大职工通过文字、"
            "短视频、图片等形式，展示劳动模范、一线职工和抗疫职工的奋斗风采，"
            "弘扬劳动光荣、技能宝贵、创造伟大的时代风尚，推动形成职工网上文明"
            "健康的良好风气。</p>"
        ),
        "rules_html": (
            "<p><strong>参赛对象：</strong>在珠海就业的职工和各级工会会员，须实名"
            "报名并注明所在单位。</p>"
            "<ul>"
            "<li>作品须原创，内容积极健康，不得侵犯他人著作权和肖像权；</li>"
            "<li>每人每类作品限报2件，故事类800至3000字，短视频不超过3分钟，"
            "图片每组不超过9张；</li>"
            "<li>由市总工会会同市委网信办组织专家评审，每类评出一等奖2名、"
            "二等奖4名、三等奖6名、优秀奖10名。</li>"
            "</ul>"
        ),
        "recommended_to": None,
        "entries_per_category": 2,
        "voting": False,
        "eligibility": {
            "min_age": 16,
            "max_age": None,
            "districts": [],
            "unit_kinds": ["member", "enterprise", "office", "school"],
            "real_name": True,
        },
        "categories": [
            {
                "code": "A",
                "name": "职工故事",
                "kind": "story",
                "description": "讲述职工爱岗敬业、技术创新、抗疫复工的真实故事。",
                "min_chars": 800,
                "max_chars": 3000,
                "max_files": None,
                "max_file_mb": None,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "B",
                "name": "职工短视频",
                "kind": "video",
                "description": "以短视频记录一线职工的工作场景和劳动风采。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 500,
                "max_duration_s": 180,
                "recommend_quota": None,
            },
            {
                "code": "C",
                "name": "职工摄影",
                "kind": "image",
                "description": "以单张或组照反映职工精神面貌和企业发展变化。",
                "min_chars": None,
                "max_chars": None,
                "max_files": 9,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
        ],
    },
    # 3. Good youth of Zhuhai
    {
        "key": "good_youth",
        "code": "QN",
        "slug": "good-youth",
        "title": "珠海好青年",
        "lead_unit": "团市委",
        "co_units": ["市委网信办"],
        "theme": "青春献礼新时代，奋斗争做好青年",
        "description_html": (
            "<p>在全市青年中选树一批在疫情防控、创新创业、志愿服务和网络文明"
            "建设中表现突出的先进典型，通过网上展示、网络投票等方式广泛宣传，"
            "引导广大青年坚定理想信念、勇于担当作为，争做新时代好青年和中国好网民。</p>"
        ),
        "rules_html": (
            "<p><strong>推荐对象：</strong>年龄在14至35周岁、在珠海学习或工作的"
            "青年，可个人自荐或由团组织、所在单位推荐。</p>"
            "<ul>"
            "<li>提交事迹材料500至3000字，附照片或证明材料不超过10个文件；</li>"
            "<li>事迹须真实准确，推荐单位负责审核，一经发现弄虚作假即取消资格；</li>"
            "<li>经资格审查、网络投票和专家评审，评选产生“珠海好青年”20名、"
            "提名奖30名，结果公示后发布。</li>"
            "</ul>"
        ),
        "recommended_to": None,
        "entries_per_category": 1,
        "voting": True,
        "eligibility": {
            "min_age": 14,
            "max_age": 35,
            "districts": [],
            "unit_kinds": [],
            "real_name": True,
        },
        "categories": [
            {
                "code": "A",
                "name": "抗疫担当好青年",
                "kind": "nomination",
                "description": "在疫情防控和复工复产中挺身而出、担当作为的青年。",
                "min_chars": 500,
                "max_chars": 3000,
                "max_files": 10,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "B",
                "name": "创新创业好青年",
                "kind": "nomination",
                "description": "在科技创新、创业就业领域取得突出成绩的青年。",
                "min_chars": 500,
                "max_chars": 3000,
                "max_files": 10,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "C",
                "name": "志愿服务好青年",
                "kind": "nomination",
                "description": "长期参与志愿服务、热心公益、服务社会的青年。",
                "min_chars": 500,
                "max_chars": 3000,
                "max_files": 10,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "D",
                "name": "网络文明好青年",
                "kind": "nomination",
                "description": "积极传播网络正能量、带头文明上网的青年。",
                "min_chars": 500,
                "max_chars": 3000,
                "max_files": 10,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
        ],
    },
    # 4. Online field reporting on poverty alleviation
    {
        "key": "poverty_alleviation_tour",
        "code": "CF",
        "slug": "poverty-alleviation-tour",
        "title": "扶贫攻坚 幸福小康 网络主题采风",
        "lead_unit": "市委网信办",
        "co_units": ["珠海传媒集团"],
        "theme": "走进对口帮扶一线，讲好脱贫攻坚珠海故事",
        "description_html": (
            "<p>组织网络媒体、网络名人和网民代表走进对口帮扶、协作地区和本市"
            "乡村振兴一线，以文字、图片、短视频等形式记录产业帮扶、消费扶贫、"
            "教育医疗帮扶等工作成效，展现决战脱贫攻坚、决胜全面小康的生动实践。</p>"
        ),
        "rules_html": (
            "<p><strong>参赛对象：</strong>参加采风活动的网络媒体记者、网络名人、"
            "自媒体作者和网民，须实名提交作品。</p>"
            "<ul>"
            "<li>作品须基于采风实地见闻原创，文章800至3000字，图片每组不超过9张，"
            "短视频不超过3分钟；</li>"
            "<li>每人每类限报2件，作品须在网络平台公开发布；</li>"
            "<li>组织专家评审，每类评出一等奖1名、二等奖3名、三等奖5名、"
            "优秀奖8名。</li>"
            "</ul>"
        ),
        "recommended_to": None,
        "entries_per_category": 2,
        "voting": False,
        "eligibility": {
            "min_age": 18,
            "max_age": None,
            "districts": [],
            "unit_kinds": [],
            "real_name": True,
        },
        "categories": [
            {
                "code": "A",
                "name": "采风文章",
                "kind": "story",
                "description": "记录帮扶一线见闻和群众脱贫致富变化的网络文章。",
                "min_chars": 800,
                "max_chars": 3000,
                "max_files": None,
                "max_file_mb": None,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "B",
                "name": "采风图片",
                "kind": "image",
                "description": "反映帮扶项目建设和乡村面貌变化的摄影作品。",
                "min_chars": None,
                "max_chars": None,
                "max_files": 9,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "C",
                "name": "采风短视频",
                "kind": "video",
                "description": "展示扶贫产业、帮扶干部和脱贫群众风貌的短视频。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 500,
                "max_duration_s": 180,
                "recommend_quota": None,
            },
        ],
    },
    # 5. Online positive energy awards
    {
        "key": "positive_energy",
        "code": "ZNL",
        "slug": "positive-energy-showcase",
        "title": "网络正能量 评比展示",
        "lead_unit": "市委网信办",
        "co_units": ["市级网络社会组织", "珠海市网络文化协会"],
        "theme": "弘扬网上主旋律，凝聚网络正能量",
        "description_html": (
            "<p>在全市范围内评比展示一批网络正能量先进个人、网络社会组织、"
            "创新项目、传播精品和优秀新媒体，集中展示我市网络文明建设成果，"
            "发挥先进典型示范带动作用，推动网络正能量更加充沛。</p>"
        ),
        "rules_html": (
            "<p><strong>申报方式：</strong>由各区网信部门、市直有关单位和市级网络"
            "社会组织推荐，也可由个人或单位自荐。</p>"
            "<ul>"
            "<li>提交申报材料500至3000字，附相关佐证材料不超过10个文件；</li>"
            "<li>每个申报主体每类限报1项，近两年内未发生违法违规问题；</li>"
            "<li>经初审、网络投票和专家评审，每类评出一等奖1名、二等奖2名、"
            "三等奖3名、优秀奖5名，结果公示后发布。</li>"
            "</ul>"
        ),
        "recommended_to": None,
        "entries_per_category": 1,
        "voting": True,
        "eligibility": {
            "min_age": None,
            "max_age": None,
            "districts": [],
            "unit_kinds": [],
            "real_name": True,
        },
        "categories": [
            {
                "code": "A",
                "name": "先进个人",
                "kind": "nomination",
                "description": "长期在网上传播正能量、影响力较大的个人。",
                "min_chars": 500,
                "max_chars": 3000,
                "max_files": 10,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "B",
                "name": "社会组织",
                "kind": "nomination",
                "description": "在网络文明建设和公益服务中成效突出的网络社会组织。",
                "min_chars": 500,
                "max_chars": 3000,
                "max_files": 10,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "C",
                "name": "创新项目",
                "kind": "nomination",
                "description": "运用互联网服务群众、创新网络治理的特色项目。",
                "min_chars": 500,
                "max_chars": 3000,
                "max_files": 10,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "D",
                "name": "传播精品",
                "kind": "nomination",
                "description": "思想性、艺术性俱佳且传播效果良好的网络作品。",
                "min_chars": 500,
                "max_chars": 3000,
                "max_files": 10,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "E",
                "name": "优秀新媒体",
                "kind": "nomination",
                "description": "导向正确、内容优质、运营规范的网站、公众号等新媒体。",
                "min_chars": 500,
                "max_chars": 3000,
                "max_files": 10,
                "max_file_mb": 20,
                "max_duration_s": None,
                "recommend_quota": None,
            },
        ],
    },
    # 6. Online culture works
    {
        "key": "online_culture_works",
        "code": "WH",
        "slug": "online-culture-works",
        "title": "网络文化精品",
        "lead_unit": "市委网信办",
        "co_units": ["珠海传媒集团"],
        "theme": "创作网络文化精品，讲好珠海故事",
        "description_html": (
            "<p>面向全市征集网络音乐、网络音视频、网络动漫、网络游戏和H5等"
            "网络文化作品，鼓励以新技术、新形式展现经济特区建设成就和珠海城市"
            "风貌，推出一批导向正确、制作精良、传播广泛的网络文化精品。</p>"
        ),
        "rules_html": (
            "<p><strong>参赛对象：</strong>在珠海的个人、团队、企事业单位和网络"
            "社会组织均可报名，须拥有作品完整著作权。</p>"
            "<ul>"
            "<li>音乐作品不超过10分钟，音视频、动漫作品不超过5分钟；</li>"
            "<li>网络游戏和H5作品提交可访问的https链接或安装包；</li>"
            "<li>每个主体每类限报2件，组织专家评审，每类评出一等奖1名、"
            "二等奖2名、三等奖3名、优秀奖5名；</li>"
            "<li>优秀作品推荐参加广东省网络文化精品评选。</li>"
            "</ul>"
        ),
        "recommended_to": "广东省网络文化精品评选",
        "entries_per_category": 2,
        "voting": False,
        "eligibility": {
            "min_age": None,
            "max_age": None,
            "districts": [],
            "unit_kinds": [],
            "real_name": True,
        },
        "categories": [
            {
                "code": "A",
                "name": "网络音乐",
                "kind": "audio",
                "description": "原创歌曲、器乐等网络音乐作品。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 50,
                "max_duration_s": 600,
                "recommend_quota": 2,
            },
            {
                "code": "B",
                "name": "网络音视频",
                "kind": "video",
                "description": "微电影、纪录短片、网络视听节目等音视频作品。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 500,
                "max_duration_s": 300,
                "recommend_quota": 2,
            },
            {
                "code": "C",
                "name": "网络动漫",
                "kind": "video",
                "description": "二维、三维动画及动态漫画等网络动漫作品。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 500,
                "max_duration_s": 300,
                "recommend_quota": 2,
            },
            {
                "code": "D",
                "name": "网络游戏",
                "kind": "h5",
                "description": "内容健康、寓教于乐的网页游戏或小游戏，提交链接或安装包。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 50,
                "max_duration_s": None,
                "recommend_quota": 2,
            },
            {
                "code": "E",
                "name": "H5作品",
                "kind": "h5",
                "description": "融合图文、音视频和交互设计的H5作品。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 50,
                "max_duration_s": None,
                "recommend_quota": 2,
            },
        ],
    },
    # 7. Women's strength on the road to moderate prosperity
    {
        "key": "her_strength_video",
        "code": "TLL",
        "slug": "her-strength-short-video",
        "title": "小康路上她力量 短视频",
        "lead_unit": "市妇联",
        "co_units": ["市委网信办"],
        "theme": "巾帼建新功，奋进新时代",
        "description_html": (
            "<p>以短视频形式展示全市各行各业妇女在决胜全面小康、疫情防控和"
            "复工复产中的奋斗身影，宣传好家庭、好家教、好家风，讲好珠海女性"
            "故事，激励广大妇女在网上网下传播正能量。</p>"
        ),
        "rules_html": (
            "<p><strong>参赛对象：</strong>在珠海的个人、家庭、妇女组织及企事业"
            "单位，须实名报名。</p>"
            "<ul>"
            "<li>作品须原创，时长不超过3分钟，画面清晰，配有中文字幕；</li>"
            "<li>每人每类限报1件，不得含有商业广告内容；</li>"
            "<li>采取网络投票与专家评审相结合的方式，评出一等奖2名、二等奖5名、"
            "三等奖10名、优秀奖20名。</li>"
            "</ul>"
        ),
        "recommended_to": None,
        "entries_per_category": 1,
        "voting": True,
        "eligibility": {
            "min_age": None,
            "max_age": None,
            "districts": [],
            "unit_kinds": [],
            "real_name": True,
        },
        "categories": [
            {
                "code": "A",
                "name": "巾帼奋斗",
                "kind": "video",
                "description": "记录妇女在岗位建功、创业就业和抗疫一线的奋斗故事。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 500,
                "max_duration_s": 180,
                "recommend_quota": None,
            },
            {
                "code": "B",
                "name": "家庭家教家风",
                "kind": "video",
                "description": "展现文明家庭、良好家教和优良家风的生活片段。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 500,
                "max_duration_s": 180,
                "recommend_quota": None,
            },
        ],
    },
    # 8. Student essays: growing up in the fight against the epidemic
    {
        "key": "growing_in_pandemic",
        "code": "ZY",
        "slug": "growing-in-pandemic-essay",
        "title": '我在战"疫"中成长 征文',
        "lead_unit": "市教育局",
        "co_units": ["市委网信办"],
        "theme": "抗疫有我，成长有你",
        "description_html": (
            "<p>面向全市中小学生开展征文活动，引导学生讲述疫情防控期间居家"
            "学习、线上课堂、家庭生活中的所见所闻所感，体会生命至上、众志成城的"
            "抗疫精神，增强网络素养和社会责任感，做文明上网的好少年。</p>"
        ),
        "rules_html": (
            "<p><strong>参赛对象：</strong>全市各级各类学校在校学生，以学校为单位"
            "组织报送，学生须实名。</p>"
            "<ul>"
            "<li>征文须原创，体裁不限（诗歌除外），严禁抄袭；</li>"
            "<li>小学组600至1500字，初中组800至2500字，高中组（含中职）"
            "1000至3000字；</li>"
            "<li>组织专家评审，每组评出一等奖5名、二等奖10名、三等奖15名、"
            "优秀奖30名。</li>"
            "</ul>"
        ),
        "recommended_to": None,
        "entries_per_category": 1,
        "voting": False,
        "eligibility": {
            "min_age": 6,
            "max_age": 19,
            "districts": [],
            "unit_kinds": ["school"],
            "real_name": True,
        },
        "categories": [
            {
                "code": "A",
                "name": "小学组",
                "kind": "story",
                "description": "小学在校学生讲述疫情期间的学习与生活感悟。",
                "min_chars": 600,
                "max_chars": 1500,
                "max_files": None,
                "max_file_mb": None,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "B",
                "name": "初中组",
                "kind": "story",
                "description": "初中在校学生围绕抗疫精神和自身成长撰写征文。",
                "min_chars": 800,
                "max_chars": 2500,
                "max_files": None,
                "max_file_mb": None,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "C",
                "name": "高中组",
                "kind": "story",
                "description": "高中及中职在校学生结合战疫经历思考责任与担当。",
                "min_chars": 1000,
                "max_chars": 3000,
                "max_files": None,
                "max_file_mb": None,
                "max_duration_s": None,
                "recommend_quota": None,
            },
        ],
    },
    # 9. Financial literacy and anti-fraud
    {
        "key": "financial_literacy",
        "code": "JR",
        "slug": "financial-literacy",
        "title": "提升金融素养 争做金融好网民",
        "lead_unit": "中国人民银行珠海中心支行",
        "co_units": ["市委网信办"],
        "theme": "学金融知识，防电信诈骗，做金融好网民",
        "description_html": (
            "<p>围绕金融知识普及、防范电信网络诈骗和非法集资、个人信息保护等"
            "内容，征集金融知识故事和短视频作品，提升广大网民金融素养和风险"
            "防范意识，引导网民理性投资、安全用网，守护好“钱袋子”。</p>"
        ),
        "rules_html": (
            "<p><strong>参赛对象：</strong>在珠海的网民和金融机构从业人员，须实名"
            "报名。</p>"
            "<ul>"
            "<li>作品须原创，金融知识表述准确，不得含有产品营销内容；</li>"
            "<li>故事类800至3000字，短视频不超过3分钟，每人每类限报1件；</li>"
            "<li>组织专家评审，每类评出一等奖2名、二等奖4名、三等奖6名、"
            "优秀奖10名，优秀作品在金融知识宣传活动中展播。</li>"
            "</ul>"
        ),
        "recommended_to": None,
        "entries_per_category": 1,
        "voting": False,
        "eligibility": {
            "min_age": None,
            "max_age": None,
            "districts": [],
            "unit_kinds": [],
            "real_name": True,
        },
        "categories": [
            {
                "code": "A",
                "name": "金融知识故事",
                "kind": "story",
                "description": "讲述识骗防骗、理性理财、维护金融权益的真实故事。",
                "min_chars": 800,
                "max_chars": 3000,
                "max_files": None,
                "max_file_mb": None,
                "max_duration_s": None,
                "recommend_quota": None,
            },
            {
                "code": "B",
                "name": "反诈短视频",
                "kind": "video",
                "description": "以情景演绎等形式揭示常见诈骗手法、普及防范知识。",
                "min_chars": None,
                "max_chars": None,
                "max_files": None,
                "max_file_mb": 500,
                "max_duration_s": 180,
                "recommend_quota": None,
            },
        ],
    },
]
