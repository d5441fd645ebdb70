"""Exposure of a counterparty or a deal: findings gathered, rated and explained."""
