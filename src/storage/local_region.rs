//! A region check in front of the local store, for tests: s3s reads the region
//! of a signature's credential scope but never compares it with its own. With
//! a required region, a request signed for another gets the answer Garage
//! gives: 400 `AuthorizationHeaderMalformed` naming the expected scope, with
//! `<Region>` in the body (which a HEAD answer drops, as on the wire).

use hyper::body::Incoming;
use hyper::service::Service;
use hyper::{Request, Response, StatusCode};
use s3s::service::S3Service;
use s3s::{Body, HttpError};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

type BoxedResponse = Pin<Box<dyn Future<Output = Result<Response<Body>, HttpError>> + Send>>;

/// The local store's HTTP service, with the optional region check.
#[derive(Clone)]
pub(crate) struct LocalService {
    pub inner: S3Service,
    pub required_region: Option<Arc<str>>,
}

impl Service<Request<Incoming>> for LocalService {
    type Response = Response<Body>;
    type Error = HttpError;
    type Future = BoxedResponse;

    fn call(&self, request: Request<Incoming>) -> Self::Future {
        if let Some(required) = &self.required_region
            && let Some(scope) = credential_scope(&request)
            && scope.split('/').nth(2) != Some(required)
        {
            let response = wrong_region_response(&scope, required, request.uri().path());
            return Box::pin(async move { Ok(response) });
        }
        Service::call(&self.inner, request)
    }
}

/// "AKID/20261126/us-east-1/s3/aws4_request", from the header or a pre-signed URL.
fn credential_scope(request: &Request<Incoming>) -> Option<String> {
    if let Some(header) = request.headers().get(hyper::header::AUTHORIZATION) {
        let header = header.to_str().ok()?;
        let start = header.find("Credential=")? + "Credential=".len();
        let rest = &header[start..];
        return Some(rest[..rest.find(',').unwrap_or(rest.len())].trim().to_owned());
    }
    let query = request.uri().query()?;
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("X-Amz-Credential="))?;
    Some(value.replace("%2F", "/").replace("%2f", "/"))
}

fn wrong_region_response(credential: &str, required: &str, path: &str) -> Response<Body> {
    let unexpected = credential.split_once('/').map_or(credential, |(_, scope)| scope);
    let date = unexpected.split('/').next().unwrap_or("");
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>AuthorizationHeaderMalformed</Code>\
         <Message>Authorization header malformed, unexpected scope: '{unexpected}', expected: '{date}/{required}/s3/aws4_request'</Message>\
         <Resource>{path}</Resource><Region>{required}</Region></Error>"
    );
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::BAD_REQUEST;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/xml"),
    );
    response
}
