"""A whole local news day, run the way an installation runs it: `yuqing crawl` and `yuqing run --once`, three
times, against a real site on 127.0.0.1 that grows between the rounds (issue 12).

The home jurisdiction is 岳阳市 (湖南省), set in the test's config with its duty channel and some named bodies.
The day (wall-clock times: the day's clock is now, to the minute):

- round 1 ("morning", posts 6–4 h old): an explosion at a chemical plant in 云溪区 (an eyewitness, a wire report
  copied word for word by a second outlet and reposted on the forum, the city's emergency bureau: 2 dead); a
  rumour that a crayfish restaurant in 岳阳楼区 poisoned its diners to death; the city enforcement bureau's notice
  raising street-parking fees; a video of enforcement officers overturning an old vendor's tricycle in 岳阳楼区; a
  signing ceremony; a flood in 琼海市 (海南省); chatter;
- between rounds 1 and 2 the duty officer decides twice: the enforcement complaint goes to the city bureau
  (`cases reassign`: the officers are the city bureau's), and the parking fees are filed as a matter of the
  public's own interest (`cases correct --category public_interest`);
- round 2 ("evening", 3–1 h old, plus late finds): the toll rises to 6, then to 12 dead and 2 missing (the city
  government's notice: 重大, Ⅱ), copies and a critical comment; the earliest eyewitness post (6 h 05 min old) and
  the rumour's first post (5 h old) found late; the police refute the rumour; the public reacts to the parking
  fees; news and comments on the enforcement video; a routine meeting; the flood's toll;
- round 3 ("night", the last hour): the toll at 14; the rumour repeated with casualty claims and a
  "网传…真的假的？" question; the bureau explains the parking fees and reports on the enforcement case; a
  festival opening; more flood posts; chatter.

What must come of it (DOMAIN.md §1–§6, README "Events, cases and the response clocks" and "Alerts"): one case
per matter (found by the URLs of its posts, never by id), none for routine news, chatter or the flood in another
province; the explosion critical with its release and press-conference deadlines 5 h and 24 h after the first post
that showed 重大 (DOMAIN.md §5), under the province's emergency-management department (rules 3, 10); the rumour
still `rumor` after the night's repeat, with the police and the network regulator coordinating (rule 9) and its
48 h clock from its earliest post, found late; the parking fees and the enforcement complaint two cases; the
person's decisions kept; every alert about a case in 岳阳市 in the duty channel, in Chinese with local times.

Which department leads the rumour is not checked here: the case takes the domain most of its posts name first
(README, "Events"), and the classifier names emergency management, the police, health and market regulation for
this day's rumour posts; that is the classifier's first-domain figure, measured with its evaluation.

The day runs once for the module (about a minute); each test function checks one requirement, so a report names
every failing one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import MetaData, select
from support.config import edit_config
from support.day import FORUM, GOV, NEWS, WEIBO, DayPost, DaySite, serve_day
from support.servers import FakeSlack, fake_slack

from yuqing.settings import PROJECT_ROOT
from yuqing.storage.database import make_engine, session_factory
from yuqing.storage.models import Post
from yuqing.vocabulary import CaseStatus, Category, Handling, Level, Media, ObligationKind, Priority

YUQING = Path(sys.executable).with_name("yuqing")
LOCAL = ZoneInfo("Asia/Shanghai")  # service.yaml's time zone
H, M = timedelta(hours=1), timedelta(minutes=1)

HOME = {"adcode": "430600", "name": "岳阳市", "channels": {"slack": "#yueyang-duty"}}
DUTY = "#yueyang-duty"
HUNAN, YUEYANG, YUEYANGLOU, YUNXI = "430000", "430600", "430602", "430603"
OFFICER = "duty-zhou"  # the duty officer who decides


def body(adcode: str, domain: str, name: str, slack: str | None) -> dict:
    return {"adcode": adcode, "domain": domain, "name": name, **({"channels": {"slack": slack}} if slack else {})}


# The press office's directory: a few named bodies with their own channels, a few without (the duty channel stands
# in for those, and for every generated body).
BODIES = [
    body(HUNAN, "government", "湖南省人民政府办公厅", "#hunan-gov"),
    body(HUNAN, "propaganda", "中共湖南省委宣传部", "#hunan-propaganda"),
    body(HUNAN, "emergency_management", "湖南省应急管理厅", "#hunan-emergency"),
    body(YUEYANG, "government", "岳阳市人民政府办公室", "#yueyang-gov"),
    body(YUEYANG, "propaganda", "中共岳阳市委宣传部", "#yueyang-propaganda"),
    body(YUEYANG, "emergency_management", "岳阳市应急管理局", "#yueyang-emergency"),
    body(YUEYANG, "public_security", "岳阳市公安局", "#yueyang-police"),
    body(YUEYANG, "market_regulation", "岳阳市市场监督管理局", "#yueyang-market"),
    body(YUEYANG, "urban_management", "岳阳市城市管理和综合执法局", "#yueyang-chengguan"),
    body(YUEYANG, "cyberspace", "中共岳阳市委网信办", "#yueyang-cyberspace"),
    body(YUEYANGLOU, "government", "岳阳楼区人民政府办公室", "#yyl-gov"),
    body(YUEYANGLOU, "propaganda", "中共岳阳楼区委宣传部", None),
    body(YUEYANGLOU, "public_security", "岳阳市公安局岳阳楼分局", "#yyl-police"),
    body(YUNXI, "emergency_management", "云溪区应急管理局", "#yunxi-emergency"),
    body(YUNXI, "government", "云溪区人民政府办公室", None),
]


# --- the day --------------------------------------------------------------------------------------------------

EXPLOSION, RUMOUR, PARKING, ENFORCEMENT = "explosion", "rumour", "parking", "enforcement"
ROUTINE, FLOOD, CHATTER = "routine", "flood", "chatter"
HOME_MATTERS = (EXPLOSION, RUMOUR, PARKING, ENFORCEMENT)  # each must have one case
NO_CASE = (ROUTINE, FLOOD, CHATTER)


NOTICE_2 = "岳阳市人民政府新闻办公室关于云溪区化工企业爆炸事故的情况通报（二）"
PARKING_NOTICE = "岳阳市城市管理和综合执法局关于调整中心城区道路临时停车收费标准的公告"


def cn_time(moment: datetime) -> str:
    """As a notice writes a moment: 12月7日19时10分."""
    return f"{moment.month}月{moment.day}日{moment.hour}时{moment.minute:02d}分"


def cn_date(moment: datetime) -> str:
    return f"{moment.month}月{moment.day}日"


def the_day(clock: datetime) -> list[DayPost]:
    """37 posts; the wording is the test's own."""
    blast_at = clock - 6 * H - 10 * M
    wire = (
        "岳阳市云溪区长岭街道一家化工企业的生产车间发生爆炸并引发火灾。记者从现场获悉，截至目前事故已造成2人死亡、"
        "9人受伤，伤者已被送往医院救治。消防救援力量正在全力扑救，事故原因正在调查中。"
    )
    toll_12 = (
        f"截至{cn_time(clock - 2 * H - 40 * M)}，云溪区长岭街道化工企业爆炸事故已造成12人死亡、2人失联、31人受伤，"
        "其中重伤8人。省委、省政府高度重视，湖南省应急管理厅负责同志已率工作组赶赴现场指导救援。伤员正在市中心医院"
        "等医院全力救治，失联人员搜救工作仍在进行。事故原因正在调查，涉事企业负责人已被公安机关控制。"
    )
    rumour = (
        "岳阳楼区南湖广场那家网红小龙虾店吃出人命了，昨晚在那里吃过的几十个人上吐下泻全住院了，听说已经死了一个，"
        "店已经被查封。"
    )
    parking_fees = (
        "为提高道路停车泊位周转率、缓解中心城区停车难问题，根据《岳阳市城市道路停车管理办法》，经市人民政府同意，"
        "自2027年1月1日起调整岳阳市中心城区道路临时停车收费标准：一类区域首小时由2元调整为4元，超过1小时后每半小时"
        "收费2元；二类区域首小时由1元调整为2元；夜间20时至次日8时收费标准不变，新能源汽车首小时免费。特此公告。"
    )
    P = DayPost
    return [
        # --- round 1: posts 6 to 4 hours old ----------------------------------------------------------------
        P(
            "x1",
            EXPLOSION,
            1,
            WEIBO,
            6 * H,
            text=(
                "#云溪爆炸# 刚才长岭那边一声巨响，我家在两公里外窗户玻璃都在抖，化工园区方向升起一大股黑烟，"
                "消防车救护车一辆接一辆往那边开，希望没人出事🙏"
            ),
            author="云溪小陈",
            reposts=420,
            comments=160,
        ),
        P(
            "x2",
            EXPLOSION,
            1,
            NEWS,
            5 * H + 30 * M,
            "岳阳云溪区一化工企业发生爆炸 已致2人死亡9人受伤",
            wire,
            author="湘北晨报",
        ),
        P(
            "x3",
            EXPLOSION,
            1,
            NEWS,
            5 * H + 20 * M,
            "岳阳云溪区一化工企业发生爆炸 已致2人死亡9人受伤",
            wire,
            author="三湘快讯",
        ),
        P(
            "x4",
            EXPLOSION,
            1,
            GOV,
            5 * H,
            "岳阳市应急管理局关于云溪区长岭街道一化工企业爆炸事故的情况通报",
            (
                f"{cn_time(blast_at)}许，云溪区长岭街道一化工企业生产车间发生爆炸并引发火灾。事故发生后，市委、市政府主要"
                "负责同志第一时间赶赴现场指挥处置，应急管理、消防救援、公安、卫生健康、生态环境等部门迅速开展救援。\n"
                "截至目前，事故已造成2人死亡、9人受伤（其中重伤3人），伤者正在全力救治，现场明火已基本扑灭，周边空气质量"
                "监测未见异常。事故原因正在调查中。"
            ),
            author="岳阳市应急管理局",
        ),
        P(
            "x5",
            EXPLOSION,
            1,
            FORUM,
            4 * H + 30 * M,
            "转：云溪区化工企业爆炸已致2人死亡",
            "转自湘北晨报：" + wire,
            author="巴陵老蔡",
        ),
        P(
            "b1",
            RUMOUR,
            1,
            WEIBO,
            4 * H + 30 * M,
            text="紧急扩散！" + rumour + "大家千万别去吃了！",
            author="岳阳吃货小分队",
            reposts=1500,
            comments=420,
        ),
        P(
            "b2",
            RUMOUR,
            1,
            FORUM,
            4 * H + 10 * M,
            "南湖广场小龙虾店是不是出事了？",
            (
                "我有个同学在市中心医院急诊科上班，说昨晚到今天送来好多吃小龙虾中毒的，岳阳楼区南湖广场那家店是不是真出事了？"
                "有没有人知道具体情况"
            ),
            author="湖滨散人",
        ),
        P("c1", PARKING, 1, GOV, 5 * H + 40 * M, PARKING_NOTICE, parking_fees, author="岳阳市城市管理和综合执法局"),
        P(
            "d1",
            ENFORCEMENT,
            1,
            WEIBO,
            4 * H + 20 * M,
            text=(
                "岳阳楼区洞庭南路，几个穿制服的城管把一个卖橘子的老大爷的三轮车直接掀翻，橘子滚了一地，老人跪在地上捡"
                "还被推了一把，周围好多人看不下去。执法就能这么粗暴吗？"
            ),
            author="洞庭南路街坊",
            reposts=950,
            comments=380,
        ),
        P(
            "e1",
            ROUTINE,
            1,
            GOV,
            5 * H + 50 * M,
            "岳阳市人民政府与华中通达物流集团签署战略合作协议",
            (
                f"{cn_date(clock - 6 * H)}，岳阳市人民政府与华中通达物流集团在岳阳签署战略合作框架协议。"
                "根据协议，双方将在城陵矶港口物流、临港产业园建设、多式联运等领域深化合作。市长出席签约仪式并致辞，表示将全力做好服务保障，"
                "推动项目早日落地见效。"
            ),
            author="岳阳市人民政府办公室",
        ),
        P(
            "f1",
            FLOOD,
            1,
            NEWS,
            4 * H + 40 * M,
            "海南琼海遭遇强降雨 万泉河水位快速上涨",
            (
                "受冷空气和热带扰动共同影响，海南省琼海市出现强降雨，万泉河部分河段水位快速上涨，沿岸部分村庄和农田被淹。"
                "当地已启动防汛四级应急响应，转移安置群众1200余人。"
            ),
            author="南海新闻网",
        ),
        P(
            "o1",
            CHATTER,
            1,
            WEIBO,
            5 * H + 10 * M,
            text=("冬天的南湖夜景真好看，岳阳楼的灯光秀今晚又开了，拍了几张照片分享给大家"),
            author="巴陵摄影人",
            reposts=12,
            comments=8,
        ),
        # --- round 2: posts 3 to 1 hours old, and late finds ------------------------------------------------
        P(
            "x0",
            EXPLOSION,
            2,
            WEIBO,
            6 * H + 5 * M,
            text=("长岭化工厂那边刚刚炸了！！整个天都是红的，好多人在往外跑，救护车进进出出，太吓人了"),
            author="长岭人在岳阳",
            reposts=260,
            comments=90,
        ),
        P(
            "x6",
            EXPLOSION,
            2,
            NEWS,
            3 * H,
            "云溪化工企业爆炸事故死亡人数升至6人",
            (
                "记者从岳阳市云溪区获悉，长岭街道化工企业爆炸事故死亡人数已升至6人，另有17人受伤，仍有多名工人下落不明，"
                "搜救工作仍在进行。"
            ),
            author="湘北晨报",
        ),
        P("x7", EXPLOSION, 2, GOV, 2 * H + 30 * M, NOTICE_2, toll_12, author="岳阳市人民政府新闻办公室"),
        P("x8", EXPLOSION, 2, NEWS, 2 * H + 20 * M, NOTICE_2, toll_12, author="三湘快讯"),
        P(
            "x9",
            EXPLOSION,
            2,
            FORUM,
            2 * H,
            "化工厂离居民区就几百米，监管部门干什么去了？",
            (
                "云溪这家化工厂离长岭的居民小区也就几百米，去年就有居民投诉过刺鼻气味和安全隐患，环保和安监当时说整改到位"
                "了。现在爆炸死了十几个人，监管部门到底干什么去了？必须彻查问责！"
            ),
            author="长岭老居民",
        ),
        P(
            "x10",
            EXPLOSION,
            2,
            WEIBO,
            1 * H + 40 * M,
            text="转发：【岳阳云溪化工企业爆炸事故已致12人死亡】" + toll_12,
            author="岳阳身边事",
            reposts=2100,
            comments=640,
        ),
        P("b0", RUMOUR, 2, FORUM, 5 * H, "南湖广场小龙虾店吃出人命了", rumour, author="匿名网友"),
        P(
            "b3",
            RUMOUR,
            2,
            GOV,
            2 * H,
            "岳阳市公安局岳阳楼分局警情通报",
            (
                "近日，有网民在微博、论坛发布“岳阳楼区南湖广场一小龙虾店发生集体食物中毒致人死亡”等信息，引发关注。经公安"
                "机关会同市场监管、卫生健康部门核查，该店经营正常，全市各医疗机构均未接诊相关食物中毒病例，网传信息系谣言。"
                "\n发布者李某（男，32岁）为吸引流量编造虚假信息，已被公安机关依法行政拘留。警方提醒：广大网民不造谣、"
                "不信谣、不传谣。"
            ),
            author="岳阳市公安局岳阳楼分局",
        ),
        P(
            "b4",
            RUMOUR,
            2,
            NEWS,
            1 * H + 30 * M,
            "岳阳警方辟谣：南湖广场小龙虾店“集体中毒致死”系谣言",
            (
                "针对网传“岳阳楼区南湖广场一小龙虾店集体食物中毒致人死亡”一事，岳阳市公安局岳阳楼分局发布警情通报称，"
                "经核查，该店经营正常，全市医疗机构均未接诊相关病例，网传信息系谣言，造谣者已被依法行政拘留。"
            ),
            author="巴陵都市报",
        ),
        P(
            "c2",
            PARKING,
            2,
            WEIBO,
            2 * H + 40 * M,
            text=(
                "岳阳路边停车首小时从2块涨到4块，直接翻倍！工资没涨停车费先涨，城管局发这个公告之前开过听证会吗？"
                "上班族每天停车要多花几十块"
            ),
            author="岳阳打工人",
            reposts=380,
            comments=150,
        ),
        P(
            "c3",
            PARKING,
            2,
            NEWS,
            1 * H + 50 * M,
            "岳阳中心城区道路停车费将调整 市民关注：是否听证、收入去向",
            (
                "岳阳市城市管理和综合执法局日前发布公告，自2027年1月1日起调整中心城区道路临时停车收费标准，一类区域首小时"
                "由2元调整为4元。公告发布后，不少市民在网上询问调价是否经过听证、停车收费收入用于何处。记者就此联系市城管"
                "执法局，相关负责人表示将尽快作出说明。"
            ),
            author="巴陵都市报",
        ),
        P(
            "d2",
            ENFORCEMENT,
            2,
            NEWS,
            2 * H + 10 * M,
            "网传岳阳楼区城管执法推搡老年摊贩 区里回应：已成立调查组",
            (
                "近日，一段“城管掀翻老人水果三轮车”的视频在网上流传。视频显示，在岳阳楼区洞庭南路，数名身穿城管制服的人员"
                "在劝离流动摊贩时将一辆装满橘子的三轮车掀翻，并推搡一名老年摊贩。记者从岳阳楼区获悉，当地已成立调查组对"
                "执法人员行为进行调查，将依法依规处理。"
            ),
            author="湘北晨报",
        ),
        P(
            "d3",
            ENFORCEMENT,
            2,
            FORUM,
            1 * H + 20 * M,
            "洞庭南路城管掀车推人，这叫文明执法？",
            (
                "看了洞庭南路那个视频真的气愤，老人家卖几箱橘子补贴家用，城管可以劝离可以教育，凭什么掀车推人？"
                "这就是所谓的文明执法？希望严肃处理涉事人员"
            ),
            author="南湖边上",
        ),
        P(
            "e2",
            ROUTINE,
            2,
            GOV,
            3 * H + 20 * M,
            "全市文明城市创建工作推进会召开",
            (
                f"{cn_date(clock - 3 * H)}下午，全市文明城市创建工作推进会召开。"
                "会议传达了全省精神文明建设工作会议精神，总结了前一阶段创建工作，部署了下一阶段重点任务。会议要求，各县市区、各部门要对标对表测评体系，持续改善"
                "城市环境，提升市民文明素质。市领导出席会议。"
            ),
            author="岳阳市人民政府办公室",
        ),
        P(
            "f2",
            FLOOD,
            2,
            NEWS,
            1 * H + 10 * M,
            "海南琼海洪涝灾害已致2人死亡1人失踪",
            (
                "记者从海南省琼海市三防指挥部获悉，截至目前，此次强降雨引发的洪涝灾害已造成2人死亡、1人失踪，累计转移"
                "群众5000余人，部分道路交通中断。救援工作正在进行中。"
            ),
            author="南海新闻网",
        ),
        P(
            "o2",
            CHATTER,
            2,
            WEIBO,
            2 * H + 50 * M,
            text=("岳阳一中篮球队拿了全市中学生联赛冠军，小伙子们太帅了！"),
            author="球迷老王",
            reposts=30,
            comments=12,
        ),
        # --- round 3: the last hour -------------------------------------------------------------------------
        P(
            "x11",
            EXPLOSION,
            3,
            NEWS,
            40 * M,
            "云溪化工企业爆炸事故遇难人数升至14人 省工作组抵达现场",
            (
                "记者从岳阳市云溪区化工企业爆炸事故现场救援指挥部获悉，截至目前，事故已造成14人死亡、1人失联、31人受伤。"
                "湖南省应急管理厅工作组已抵达现场，指导开展搜救、伤员救治和事故调查工作。"
            ),
            author="湘北晨报",
        ),
        P(
            "x12",
            EXPLOSION,
            3,
            FORUM,
            20 * M,
            "在医院门口等消息的家属",
            (
                "在市中心医院门口守了一晚上，好几个家属还没等到消息。云溪化工厂这次爆炸太惨了，希望政府尽快公布失联人员"
                "名单和伤者救治情况，不要让家属干着急。"
            ),
            author="岳阳夜归人",
        ),
        P(
            "b5",
            RUMOUR,
            3,
            WEIBO,
            45 * M,
            text=(
                "南湖广场小龙虾店食物中毒的事根本没完！我表哥说现在已经死了3个人，还有十几个在ICU抢救，官方就是在捂盖子，"
                "赶紧转发让更多人知道！"
            ),
            author="真相搬运工2026",
            reposts=650,
            comments=230,
        ),
        P(
            "b6",
            RUMOUR,
            3,
            FORUM,
            15 * M,
            "网传南湖广场小龙虾店吃死了人，真的假的？",
            (
                "网传岳阳楼区南湖广场小龙虾店吃死了人，真的假的？不是说已经辟谣了吗，怎么今晚朋友圈又在传，还说死了好几个"
            ),
            author="湖滨散人",
        ),
        P(
            "c4",
            PARKING,
            3,
            GOV,
            30 * M,
            "市城市管理和综合执法局就中心城区道路停车收费标准调整答记者问",
            (
                "问：此次调整是否经过听证？\n答：调整方案已于今年10月召开听证会，听取了市民代表、人大代表、政协委员的意见，"
                "并经市人民政府同意。\n问：停车收费收入用于何处？\n答：道路停车收费收入全额缴入市级财政，专项用于停车设施"
                "建设和道路交通管理。"
            ),
            author="岳阳市城市管理和综合执法局",
        ),
        P(
            "d4",
            ENFORCEMENT,
            3,
            GOV,
            25 * M,
            "关于洞庭南路执法过程中推搡摊贩问题的情况通报",
            (
                "近日，网民反映我局执法人员在岳阳楼区洞庭南路劝离流动摊贩时存在掀翻三轮车、推搡老人等行为。经调查，情况"
                "基本属实。涉事两名协管员已被停职，对带队执法队员给予政务警告处分，我局已派人登门向当事老人赔礼道歉并赔偿"
                "损失。我局将举一反三，加强执法队伍教育管理，坚决杜绝粗暴执法行为。"
            ),
            author="岳阳市城市管理和综合执法局",
        ),
        P(
            "e3",
            ROUTINE,
            3,
            NEWS,
            50 * M,
            "第十届洞庭湖国际观鸟节在君山区开幕",
            (
                "第十届洞庭湖国际观鸟节在岳阳市君山区开幕，来自国内外的观鸟爱好者和专家学者齐聚东洞庭湖湿地，观赏越冬"
                "候鸟。本届观鸟节将持续一个月，期间还将举办摄影展、科普讲座等活动。"
            ),
            author="巴陵都市报",
        ),
        P(
            "f3",
            FLOOD,
            3,
            WEIBO,
            35 * M,
            text=("琼海这次洪水好吓人，万泉河边的村子一片汪洋，希望失踪的人平安🙏 #海南强降雨#"),
            author="椰风海韵",
            reposts=120,
            comments=40,
        ),
        P(
            "o3",
            CHATTER,
            3,
            FORUM,
            10 * M,
            "求推荐岳阳楼区好吃的烧烤店",
            ("周末带几个外地朋友来岳阳玩，求推荐岳阳楼区好吃的烧烤店，最好离岳阳楼近一点"),
            author="过路游客",
        ),
    ]


# --- running the day --------------------------------------------------------------------------------------------


@dataclass
class Run:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str


@dataclass
class Round:
    """What the test saw after a round: the commands' output, the cases, the Slack messages of the round."""

    number: int
    crawl: Run
    once: Run
    cases: list[dict[str, Any]]
    messages: list[dict[str, Any]]  # chat.postMessage calls made during the round
    alerts: list[str]  # `yuqing alerts list` lines after the round
    stored: dict[str, Any]  # URL → (id, duplicate_of_id, published_at) of the posts stored so far


@dataclass
class Decision:
    """A person's decision: the case as they saw it, the command they ran; or why they could not run it."""

    case: dict[str, Any] | None = None
    run: Run | None = None
    problem: str | None = None


@dataclass
class Day:
    site: DaySite
    slack: FakeSlack
    rounds: dict[int, Round] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)  # the person's, between rounds 1 and 2

    def post(self, key: str) -> DayPost:
        return next(p for p in self.site.posts if p.key == key)

    def url(self, key: str) -> str:
        return self.site.url_of(self.post(key))

    def published(self, key: str) -> datetime:
        return self.site.published(self.post(key))

    def matter_keys(self, matter: str, up_to: int = 3) -> list[str]:
        return [p.key for p in self.site.posts if p.matter == matter and p.round <= up_to]

    def matter_urls(self, matter: str, up_to: int = 3) -> set[str]:
        return {self.url(key) for key in self.matter_keys(matter, up_to)}

    def cases_of(self, matter: str, round_number: int = 3) -> list[dict[str, Any]]:
        """The cases holding any post of the matter (by URL) after the round."""
        urls = self.matter_urls(matter, round_number)
        return [case for case in self.rounds[round_number].cases if urls & case_urls(case)]

    def case_of(self, matter: str, round_number: int = 3) -> dict[str, Any]:
        found = self.cases_of(matter, round_number)
        assert len(found) == 1, (
            f"after round {round_number}, {len(found)} cases hold posts of the {matter} matter: "
            + "; ".join(describe(case) for case in found)
        )
        return found[0]

    def holding(self, key: str, round_number: int = 3) -> dict[str, Any]:
        """The case holding this post after the round (a matter split over several cases is checked apart: this
        finds the case the post that matters here is in)."""
        found = [case for case in self.rounds[round_number].cases if self.url(key) in case_urls(case)]
        assert len(found) == 1, f"after round {round_number}, {len(found)} cases hold post {key}"
        return found[0]

    def matter_of(self, url: str) -> str:
        return next((p.matter for p in self.site.posts if self.site.url_of(p) == url), "(not a post of the day)")


def case_urls(case: dict[str, Any]) -> set[str]:
    return {post["url"] for post in case["posts"] if post["url"]}


def describe(case: dict[str, Any]) -> str:
    """A case in one line, for assertion messages."""
    lead = case["lead"]
    return (
        f"case {case['id']} “{case['title']}” {case['category']}/{case['priority']}/{case['severity']}/"
        f"{case['handling']} lead {lead['adcode']} {lead['domain']} ({lead['name']}), regions "
        f"{[r['adcode'] for r in case['regions']]}, posts {sorted(url.rsplit('/', 1)[-1] for url in case_urls(case))}"
    )


def at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def wipe(url: str) -> None:
    engine = make_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
    engine.dispose()


def configure(config_dir: Path, site: DaySite) -> None:
    """The test's installation: 岳阳市 is home, its directory of bodies, and the day's four sources."""

    def home_is_yueyang(organisations: dict) -> None:
        organisations["home"] = HOME
        organisations["bodies"] = BODIES

    edit_config(config_dir, "organisations.yaml", home_is_yueyang)
    (config_dir / "sources.yaml").write_text(
        yaml.safe_dump({"sources": site.sources()}, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[Day]:
    root = tmp_path_factory.mktemp("day")
    config_dir = root / "config"
    shutil.copytree(PROJECT_ROOT / "config", config_dir)
    database_url = os.environ.get("YUQING_TEST_DATABASE_URL") or f"sqlite:///{root / 'day.db'}"
    wipe(database_url)
    clock = datetime.now(LOCAL).replace(second=0, microsecond=0)
    site = DaySite(posts=[], clock=clock)
    site.posts = the_day(clock)
    with serve_day(site), fake_slack() as slack:
        configure(config_dir, site)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("YUQING_", "SLACK_", "SMTP_"))}
        env.update(
            YUQING_CONFIG=str(config_dir),
            YUQING_DATA=str(root / "data"),
            YUQING_DATABASE_URL=database_url,
            YUQING_MODEL=str(trained_model),
            YUQING_SCRAPY_SETTINGS=json.dumps(
                {"AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_TIMEOUT": 10, "RETRY_TIMES": 1, "YUQING_RETRY_BACKOFF": 0.05}
            ),
            SLACK_BOT_TOKEN="xoxb-day",
            YUQING_SLACK_BASE_URL=slack.url,
            PYTHONUNBUFFERED="1",
        )

        def cli(*args: str, input: str | None = None) -> Run:
            done = subprocess.run(
                [str(YUQING), *args], input=input, capture_output=True, text=True, env=env, timeout=300, check=False
            )
            return Run(args, done.returncode, done.stdout, done.stderr)

        migrated = cli("db", "upgrade")
        assert migrated.returncode == 0, migrated.stderr
        engine = make_engine(database_url)
        running = Day(site, slack)
        for number in (1, 2, 3):
            site.round = number
            sent_before = len(slack.posts())
            crawl = cli("crawl")
            once = cli("run", "--once")
            listing = cli("cases", "list", "--all", "--json")
            assert listing.returncode == 0, listing.stderr
            with session_factory(engine)() as session:
                stored = {
                    p.url: (p.id, p.duplicate_of_id, p.published_at) for p in session.scalars(select(Post)) if p.url
                }
            running.rounds[number] = Round(
                number,
                crawl,
                once,
                [json.loads(line) for line in listing.stdout.splitlines() if line.strip()],
                slack.posts()[sent_before:],
                cli("alerts", "list", "--limit", "1000").stdout.splitlines(),
                stored,
            )
            if number == 1:
                decide(running, cli)
        engine.dispose()
        yield running
    wipe(database_url)


def decide(day: Day, cli) -> None:
    """Between rounds 1 and 2 the duty officer makes two decisions: the enforcement complaint goes to the city
    bureau (the officers in the video belong to the city's enforcement detachment, not to the district), and the
    parking fees are filed as a matter of the public's own interest (prices), whatever the notice's wording."""
    added = cli("users", "add", OFFICER, "--role", "duty", "--name", "值班员周", input="a long passphrase\n")
    assert added.returncode == 0, added.stderr
    commands = {
        "reassign": (
            "d1",
            lambda case_id: (
                "cases",
                "reassign",
                case_id,
                "--adcode",
                YUEYANG,
                "--domain",
                "urban_management",
                "--reason",
                "视频中执法人员隶属市城管执法支队直属大队，由市城管执法局牵头回应",
                "--by",
                OFFICER,
            ),
        ),
        "correct": (
            "c1",
            lambda case_id: (
                "cases",
                "correct",
                case_id,
                "--category",
                "public_interest",
                "--reason",
                "停车收费标准调整涉及群众切身利益（价格），按公众切身利益类舆情处置",
                "--by",
                OFFICER,
            ),
        ),
    }
    for name, (key, command) in commands.items():
        found = [case for case in day.rounds[1].cases if day.url(key) in case_urls(case)]
        if len(found) != 1:
            day.decisions[name] = Decision(problem=f"after round 1, {len(found)} cases hold post {key}: no {name}")
            continue
        day.decisions[name] = Decision(found[0], cli(*command(str(found[0]["id"]))))


# --- the checks ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", [1, 2, 3])
def test_each_round_crawls_every_post_of_runningso_far_and_the_service_runs(day: Day, number: int) -> None:
    this = day.rounds[number]
    assert this.crawl.returncode == 0, this.crawl.stdout + this.crawl.stderr
    assert this.once.returncode == 0, this.once.stdout + this.once.stderr
    shown = {day.site.url_of(p) for p in day.site.posts if p.round <= number}
    assert set(this.stored) == shown, (
        f"missing {sorted(shown - set(this.stored))}, unexpected {sorted(set(this.stored) - shown)}"
    )
    for key in (p.key for p in day.site.posts if p.round <= number):  # the published times the sites give
        assert this.stored[day.url(key)][2] is not None and this.stored[day.url(key)][2] == day.published(key), key
    if number == 3:  # incremental: an article stored in an earlier round is not fetched again
        fetched = {path: n for path, n in day.site.hits.items() if path.startswith("/gov/art/")}
        assert set(fetched.values()) == {1}, fetched


def test_word_for_word_copies_are_linked_to_the_first_report(day: Day) -> None:
    stored = day.rounds[3].stored
    wire_id = stored[day.url("x2")][0]
    assert stored[day.url("x2")][1] is None
    assert stored[day.url("x3")][1] == wire_id  # the same report, word for word, by a second outlet
    notice_id = stored[day.url("x7")][0]
    assert stored[day.url("x8")][1] == notice_id  # the government's notice, carried word for word by an outlet


@pytest.mark.parametrize("matter", HOME_MATTERS)
def test_one_case_per_matter_holding_all_its_posts_and_nothing_else(day: Day, matter: str) -> None:
    case = day.case_of(matter)
    held = case_urls(case)
    missing = sorted(key for key in day.matter_keys(matter) if day.url(key) not in held)
    strangers = sorted(f"{url.rsplit('/', 1)[-1]} ({day.matter_of(url)})" for url in held - day.matter_urls(matter))
    assert not missing, f"posts of the {matter} matter outside its case: {missing}; {describe(case)}"
    assert not strangers, f"posts of other matters in the {matter} case: {strangers}; {describe(case)}"


@pytest.mark.parametrize("matter", NO_CASE)
def test_no_case_for_routine_news_chatter_or_the_flood_in_another_province(day: Day, matter: str) -> None:
    for number in (1, 2, 3):
        found = day.cases_of(matter, number)
        assert found == [], f"after round {number}: " + "; ".join(describe(case) for case in found)


def owed(case: dict[str, Any]) -> dict[str, datetime]:
    """The case's deadlines still owed, by kind."""
    return {o["kind"]: at(o["due_at"]) for o in case["obligations"] if o["status"] in ("open", "warned", "breached")}


def test_the_explosion_is_a_major_emergency_with_the_5h_and_24h_clocks(day: Day) -> None:
    case = day.holding("x2")  # the first wire report's case
    assert (case["category"], case["severity"], case["priority"]) == ("emergency", "II", "critical"), describe(case)
    # 重大 (Ⅱ级): the province answers (rules 3 and 10), its government office and propaganda department coordinate
    assert (case["level"], case["lead"]["adcode"], case["lead"]["domain"]) == (
        "province",
        HUNAN,
        "emergency_management",
    ), describe(case)
    coordinators = {(b["adcode"], b["domain"]) for b in case["coordinators"]}
    assert {(HUNAN, "government"), (HUNAN, "propaganda")} <= coordinators
    assert {3, 8, 10} <= set(case["rules"])
    assert case["principal_leader"] is False  # Ⅱ, not Ⅰ
    # the 5 h and 24 h clocks from the first post that showed 重大 (DOMAIN.md §5): the city's notice of 12 dead and
    # 2 missing (x7); the 48 h response it owed as a 一般 emergency in the morning is owed no more
    first_major = day.published("x7")
    assert owed(case) == {"release": first_major + 5 * H, "press_conference": first_major + 24 * H}, case["obligations"]
    assert case["deaths"] == 14


def test_the_explosion_clock_starts_at_its_earliest_post_found_late(day: Day) -> None:
    case = day.holding("x2")
    # t0: the earliest publication among the matter's posts, the eyewitness post found late in round 2
    assert at(case["t0"]) == day.published("x0"), describe(case)


def test_the_explosion_rose_across_the_rounds_in_one_case(day: Day) -> None:
    morning, evening, night = (day.holding("x2", number) for number in (1, 2, 3))
    assert morning["id"] == evening["id"] == night["id"]
    assert (morning["category"], morning["priority"], morning["severity"]) == ("emergency", "high", "IV"), describe(
        morning
    )
    assert owed(morning) == {"respond": day.published("x1") + 48 * H}, morning["obligations"]
    assert (morning["lead"]["adcode"], morning["lead"]["domain"]) == (YUNXI, "emergency_management")  # Ⅳ: county
    assert (evening["priority"], evening["severity"]) == ("critical", "II"), describe(evening)


def test_the_rumour_stays_a_rumour_after_the_night_repeat(day: Day) -> None:
    morning, evening, night = (day.holding("b1", number) for number in (1, 2, 3))
    assert morning["id"] == evening["id"] == night["id"]
    assert (evening["category"], evening["handling"]) == ("rumor", "false_info"), describe(evening)
    assert (night["category"], night["handling"], night["priority"]) == ("rumor", "false_info", "high"), describe(night)
    if morning["category"] != "rumor":  # then the police's refutation made it one: its history says so
        changes = [h["details"] for h in night["history"] if h["action"] == "case.category"]
        assert any(c["after"] == "rumor" and c["official"] for c in changes), night["history"]


def test_the_rumour_is_placed_in_yueyanglou_district(day: Day) -> None:
    case = day.holding("b3")  # the police's refutation
    # every post names 岳阳楼区 (南湖广场 is a square there): one locality, which answers (rule 3)
    assert [r["adcode"] for r in case["regions"]] == [YUEYANGLOU], describe(case)
    assert (case["level"], case["lead"]["adcode"]) == ("county", YUEYANGLOU), describe(case)


def test_the_police_and_the_network_regulator_coordinate_the_rumour(day: Day) -> None:
    case = day.holding("b3")
    level = case["lead"]["adcode"]  # rule 9 at the responsible level, wherever that is
    coordinators = {(b["adcode"], b["domain"]) for b in case["coordinators"]}
    assert {(level, d) for d in ("government", "propaganda", "public_security", "cyberspace")} <= coordinators, case[
        "coordinators"
    ]
    assert 9 in case["rules"]


def test_the_rumour_clock_runs_from_its_first_post_found_late(day: Day) -> None:
    case = day.holding("b3")
    assert at(case["t0"]) == day.published("b0"), describe(case)
    assert owed(case) == {"respond": day.published("b0") + 48 * H}, case["obligations"]


def test_the_parking_fees_and_the_enforcement_complaint_are_two_cases(day: Day) -> None:
    parking, enforcement = day.holding("c1"), day.holding("d1")
    assert parking["id"] != enforcement["id"], describe(parking)
    # the fees: the city bureau that issued the notice answers (rules 1 and 3), 48 h from the notice
    assert parking["category"] in ("policy", "public_interest"), describe(parking)
    assert (parking["lead"]["adcode"], parking["lead"]["domain"]) == (YUEYANG, "urban_management"), describe(parking)
    assert owed(parking) == {"respond": day.published("c1") + 48 * H}, parking["obligations"]
    # the officers' conduct: misconduct by officials (DOMAIN.md §1 tie-break), its own 48 h from the video
    assert enforcement["category"] == "credibility", describe(enforcement)
    assert owed(enforcement) == {"respond": day.published("d1") + 48 * H}, enforcement["obligations"]


def test_the_enforcement_case_opened_with_the_district_as_the_rules_say(day: Day) -> None:
    decision = day.decisions["reassign"]
    assert decision.problem is None, decision.problem
    lead = decision.case["lead"]
    assert (lead["adcode"], lead["domain"]) == (YUEYANGLOU, "urban_management"), describe(decision.case)


def test_the_reassigned_lead_is_kept_through_the_later_rounds(day: Day) -> None:
    decision = day.decisions["reassign"]
    assert decision.problem is None, decision.problem
    assert decision.run.returncode == 0, decision.run
    for number in (2, 3):
        case = day.holding("d1", number)
        assert case["id"] == decision.case["id"]
        assert (case["lead"]["adcode"], case["lead"]["domain"], case["lead"]["name"]) == (
            YUEYANG,
            "urban_management",
            "岳阳市城市管理和综合执法局",
        ), f"round {number}: {describe(case)}"
        decided = case["decisions"]["lead"]
        assert decided["by"] == OFFICER and decided["body"]["adcode"] == YUEYANG, case["decisions"]


def test_the_corrected_category_is_kept_through_the_later_rounds(day: Day) -> None:
    decision = day.decisions["correct"]
    assert decision.problem is None, decision.problem
    assert decision.run.returncode == 0, decision.run
    for number in (2, 3):  # later posts of the matter read as policy or as complaints: the person's category stays
        case = day.holding("c1", number)
        assert case["id"] == decision.case["id"]
        assert case["category"] == "public_interest", f"round {number}: {describe(case)}"
        assert case["decisions"]["category"]["by"] == OFFICER, case["decisions"]
        assert owed(case) == {"respond": day.published("c1") + 48 * H}, case["obligations"]


# --- alerts -------------------------------------------------------------------------------------------------------

ALERT_KIND = {"opened": "【新案件】", "upgraded": "【案件升级】"}
# ids that must never reach a person: categories, priorities, handling types, levels, statuses, media, domains
INTERNAL_IDS = sorted(
    {str(v) for enum in (Category, Priority, Handling, Level, CaseStatus, ObligationKind, Media) for v in enum}
    | {b["domain"] for b in BODIES}
    | {"public_interest", "emergency_management", "market_regulation", "urban_management", "health"}
)


def key_of(message: dict[str, Any]) -> str:
    """The outbox key the message carries (its metadata), without the recipient: `case/3/opened`."""
    return message["metadata"]["event_payload"]["key"].split("|")[0]


def case_keys(messages: list[dict[str, Any]], case_id: int) -> set[str]:
    return {key_of(m) for m in messages if key_of(m).startswith(f"case/{case_id}/")}


def home_cases(day: Day, number: int) -> dict[int, dict[str, Any]]:
    """The cases holding posts of the matters in 岳阳市 after the round, by id."""
    if number == 0:
        return {}
    urls = set().union(*(day.matter_urls(matter, number) for matter in HOME_MATTERS))
    return {case["id"]: case for case in day.rounds[number].cases if urls & case_urls(case)}


@pytest.mark.parametrize("number", [1, 2, 3])
def test_the_duty_channel_hears_every_alert_about_a_home_case_in_each_round(day: Day, number: int) -> None:
    this = day.rounds[number]
    duty = [m for m in this.messages if m["channel"] == DUTY]
    before, now = home_cases(day, number - 1), home_cases(day, number)
    assert now
    for case_id, case in now.items():
        keys = case_keys(duty, case_id)
        if case_id not in before:
            assert f"case/{case_id}/opened" in keys, f"round {number}, {describe(case)}: duty heard {sorted(keys)}"
        elsewhere = set().union(*(case_keys([m], case_id) for m in this.messages if m["channel"] != DUTY))
        assert elsewhere <= keys, f"round {number}, case {case_id}: only its bodies heard {sorted(elsewhere - keys)}"
    if number == 2:  # the explosion raised to 重大 by the city's notice; the rumour refuted by the police
        explosion = day.holding("x7", 2)
        upgraded = [m["text"] for m in duty if key_of(m).startswith(f"case/{explosion['id']}/upgraded")]
        assert any("特急 · 重大（Ⅱ级）" in text for text in upgraded), upgraded
        if day.holding("b1", 1)["category"] != "rumor":
            rumour = day.holding("b3", 2)
            refuted = [m["text"] for m in duty if key_of(m).startswith(f"case/{rumour['id']}/upgraded")]
            assert any("官方辟谣" in text for text in refuted), refuted
    # what `yuqing alerts list` shows for the duty channel: delivered, nothing failed or only logged
    rows = [line.split("\t") for line in this.alerts if f"slack:{DUTY}" in line]
    assert rows and all(row[1] == "已送达" for row in rows), [row[:5] for row in rows if row[1] != "已送达"]


def test_the_flood_elsewhere_never_reaches_the_duty_channel(day: Day) -> None:
    everything = [m for number in (1, 2, 3) for m in day.rounds[number].messages]
    about_flood = [m["text"].splitlines()[0] for m in everything if "琼海" in m["text"] or "万泉河" in m["text"]]
    assert about_flood == []


def words_shown(message: dict[str, Any]) -> list[str]:
    """What a person reads of a Slack message: its text and the text of its blocks, without the links' addresses."""
    texts = [message["text"]]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                if name == "text" and isinstance(inner, str):
                    texts.append(inner)
                else:
                    walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(message["blocks"])
    return [re.sub(r"https?://[^\s|>]+", "", text) for text in texts]


def test_alerts_are_in_chinese_with_local_times_and_no_internal_ids(day: Day) -> None:
    duty = [m for number in (1, 2, 3) for m in day.rounds[number].messages if m["channel"] == DUTY]
    assert duty
    published = {day.published(p.key) for p in day.site.posts}
    for message in duty:
        text, kind = message["text"], key_of(message).split("/")[2]
        assert text.startswith(ALERT_KIND.get(kind, "【")), text.splitlines()[0]
        assert f"{key_of(message).split('/')[1]}号案件" in text
        # the first publication time, local: the earliest post's (a UTC rendering is 8 hours off any post's time)
        (first,) = [line.removeprefix("首发时间：") for line in text.splitlines() if line.startswith("首发时间：")]
        assert datetime.strptime(first, "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL) in published, first
        for words in words_shown(message):
            found = sorted({w for w in INTERNAL_IDS if re.search(rf"(?<![A-Za-z_]){w}(?![A-Za-z_])", words)})
            assert found == [], f"{found} in: {words[:300]}"
            assert "UTC" not in words and "+00:00" not in words and not re.search(r"\d{4}-\d\d-\d\dT\d", words)
        assert re.search(r"[\u4e00-\u9fff]", text)
