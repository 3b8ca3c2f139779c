"""Coupons: the OA's coupons created through LINE's Coupon API (discount, gift, validity,
limits, lottery acquisition), listed, viewed and closed, and sent as coupon messages by
broadcasts, journeys and chats."""
