from django.core.validators import URLValidator

#: Only web addresses: no javascript:, data:, ftp: or file: links on any page.
http_url = URLValidator(
    schemes=["http", "https"], message="Enter a web address that starts with http:// or https://."
)
