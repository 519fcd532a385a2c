from django.apps import AppConfig


class CitizenConfig(AppConfig):
    name = "minzheng.citizen"
    verbose_name = "指尖办"

    def ready(self) -> None:
        from minzheng.programmes.registry import (
            Line,
            NavEntry,
            OnlineOffer,
            register_line,
            register_online_offer,
        )

        from . import selectors

        # 低保 and 临时救助 online; another line offers its subsidy by registering its own OnlineOffer.
        register_online_offer(
            OnlineOffer(
                "dibao",
                "minzheng.citizen.services:assistance_accept",
                "assistance.intake",
                order=10,
                open_case="minzheng.citizen.services:dibao_open_case",
            )
        )
        register_online_offer(
            OnlineOffer(
                "temporary",
                "minzheng.citizen.services:assistance_accept",
                "assistance.intake",
                emergency=True,
                order=20,
                open_case="minzheng.citizen.services:temporary_open_case",
            )
        )
        register_line(
            Line(
                code="citizen",
                name="指尖办",
                app_label=self.label,
                urls="minzheng.citizen.urls",
                url_prefix="citizen",
                nav=(NavEntry("网上申请", "citizen-desk", "assistance.intake", order=22),),
                todos=(("assistance.intake", selectors.online_todo),),
            )
        )
