// placeholder until the webmin build lands
