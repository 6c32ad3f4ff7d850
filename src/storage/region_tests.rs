use super::*;

/// Garage v1/v2 answer to a request signed for `us-east-1` (src/api/common/signature).
const GARAGE_BODY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Error><Code>AuthorizationHeaderMalformed</Code>\
<Message>Authorization header malformed, unexpected scope: '20261126/us-east-1/s3/aws4_request', expected: '20261126/garage/s3/aws4_request'</Message>\
<Resource>/photos</Resource><Region>garage</Region></Error>";

/// Older Garage (0.8/0.9): the message names only the unexpected scope; the region is in <Region>.
const OLD_GARAGE_BODY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Error><Code>AuthorizationHeaderMalformed</Code>\
<Message>Authorization header malformed, unexpected scope: 20261126/us-east-1/s3/aws4_request</Message>\
<Resource>/photos</Resource><Region>garage</Region></Error>";

/// AWS S3 to a PUT signed for `us-east-1` on a bucket in eu-west-1.
const AWS_BODY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; \
the region 'us-east-1' is wrong; expecting 'eu-west-1'</Message><Region>eu-west-1</Region>\
<RequestId>4Q1V3K0N5A6B2C7D</RequestId><HostId>aGVsbG8gd29ybGQ=</HostId></Error>";

/// AWS S3 to a GET on the wrong regional endpoint (virtual-host style).
const AWS_REDIRECT_BODY: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<Error><Code>PermanentRedirect</Code><Message>The bucket you are attempting to access must be addressed \
using the specified endpoint. Please send all future requests to this endpoint.</Message>\
<Endpoint>photos.s3.eu-west-1.amazonaws.com</Endpoint><Bucket>photos</Bucket>\
<RequestId>8G2H4J6K</RequestId><HostId>d29ybGQ=</HostId></Error>";

/// Garage puts <Region> in every error, not only region errors.
const GARAGE_NO_SUCH_BUCKET: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<Error><Code>NoSuchBucket</Code><Message>Bucket not found: photos</Message>\
<Resource>/photos</Resource><Region>garage</Region></Error>";

#[test]
fn garage_names_its_region_in_the_expected_scope() {
    let hint = parse_region_hint(400, None, None, None, GARAGE_BODY);
    assert_eq!(hint.region.as_deref(), Some("garage"));
    assert!(hint.wrong_region);
}

#[test]
fn older_garage_names_its_region_only_in_the_region_element() {
    let hint = parse_region_hint(400, None, None, None, OLD_GARAGE_BODY);
    assert_eq!(hint.region.as_deref(), Some("garage"));
}

#[test]
fn aws_names_the_expected_region_in_its_message() {
    let message = "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'";
    let hint = parse_region_hint(400, Some("AuthorizationHeaderMalformed"), Some(message), None, AWS_BODY);
    assert_eq!(hint.region.as_deref(), Some("eu-west-1"));
    let from_body_only = parse_region_hint(400, None, None, None, AWS_BODY);
    assert_eq!(from_body_only.region.as_deref(), Some("eu-west-1"));
}

#[test]
fn an_aws_redirect_is_read_from_the_bucket_region_header() {
    let hint = parse_region_hint(
        301,
        Some("PermanentRedirect"),
        None,
        Some("eu-west-1"),
        AWS_REDIRECT_BODY,
    );
    assert_eq!(hint.region.as_deref(), Some("eu-west-1"));
    assert!(hint.wrong_region);
    // A HEAD answer: no body, only the status and the header.
    let head = parse_region_hint(301, None, None, Some("ap-southeast-2"), "");
    assert_eq!(head.region.as_deref(), Some("ap-southeast-2"));
    assert!(head.wrong_region);
}

#[test]
fn other_errors_are_not_region_errors_even_with_a_region_element() {
    let hint = parse_region_hint(404, Some("NoSuchBucket"), None, None, GARAGE_NO_SUCH_BUCKET);
    assert_eq!(hint, RegionHint::default());
    let bare = parse_region_hint(400, None, None, None, "");
    assert_eq!(bare, RegionHint::default());
}
