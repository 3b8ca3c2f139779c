"""Coupon filters for templates (``{% load coupons %}``): the reward and limits in words."""

from django import template

from coupons import display

register = template.Library()

register.filter("coupon_reward", display.reward_text)
register.filter("coupon_acquisition", display.acquisition_text)
register.filter("coupon_uses", display.uses_text)
register.filter("coupon_timezone", display.timezone_name)
