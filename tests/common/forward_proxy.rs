//! A tiny HTTP forward proxy on 127.0.0.1 that writes down every request it
//! is asked to carry: absolute-form requests (`PUT http://127.0.0.1:…/…`)
//! are sent on in origin form, `CONNECT host:port` is tunnelled. Only
//! 127.0.0.1 and localhost are reached; anything else is answered 403.

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, combinators::BoxBody};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

type Body = BoxBody<Bytes, hyper::Error>;

/// A running proxy; stops when dropped.
pub struct ForwardProxy {
    addr: SocketAddr,
    log: Arc<Mutex<Vec<String>>>,
    stop: CancellationToken,
}

impl ForwardProxy {
    /// Starts the proxy on `runtime`.
    pub fn start(runtime: &tokio::runtime::Runtime) -> Self {
        let listener = runtime.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind proxy");
        let addr = listener.local_addr().expect("proxy address");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stop = CancellationToken::new();
        let (task_log, task_stop) = (log.clone(), stop.clone());
        runtime.spawn(async move {
            loop {
                let accepted = tokio::select! {
                    accepted = listener.accept() => accepted,
                    () = task_stop.cancelled() => return,
                };
                let Ok((stream, _)) = accepted else { continue };
                let log = task_log.clone();
                let service = service_fn(move |request| handle(request, log.clone()));
                tokio::spawn(
                    http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .with_upgrades(),
                );
            }
        });
        Self { addr, log, stop }
    }

    /// `http://127.0.0.1:PORT`, for HTTP_PROXY or a profile's `proxy`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request carried so far: `METHOD target` (absolute URL or, for CONNECT, host:port).
    pub fn requests(&self) -> Vec<String> {
        self.log.lock().expect("proxy log").clone()
    }
}

impl Drop for ForwardProxy {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

fn empty(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(Empty::new().map_err(|never| match never {}).boxed());
    *response.status_mut() = status;
    response
}

fn is_loopback(host: &str) -> bool {
    matches!(host, "127.0.0.1" | "localhost")
}

async fn handle(request: Request<Incoming>, log: Arc<Mutex<Vec<String>>>) -> Result<Response<Body>, hyper::Error> {
    log.lock()
        .expect("proxy log")
        .push(format!("{} {}", request.method(), request.uri()));
    if request.method() == Method::CONNECT {
        return Ok(tunnel(request));
    }
    let uri = request.uri().clone();
    let (Some(host), Some(port)) = (uri.host(), uri.port_u16()) else {
        return Ok(empty(StatusCode::BAD_REQUEST));
    };
    if !is_loopback(host) {
        return Ok(empty(StatusCode::FORBIDDEN));
    }
    let Ok(stream) = TcpStream::connect((host, port)).await else {
        return Ok(empty(StatusCode::BAD_GATEWAY));
    };
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let (mut parts, body) = request.into_parts();
    parts.uri = uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .parse()
        .expect("origin form");
    parts.headers.remove("proxy-authorization");
    parts.headers.remove("proxy-connection");
    let response = sender.send_request(Request::from_parts(parts, body)).await?;
    Ok(response.map(BodyExt::boxed))
}

fn tunnel(request: Request<Incoming>) -> Response<Body> {
    let Some(authority) = request.uri().authority().cloned() else {
        return empty(StatusCode::BAD_REQUEST);
    };
    if !is_loopback(authority.host()) {
        return empty(StatusCode::FORBIDDEN);
    }
    tokio::spawn(async move {
        let Ok(upgraded) = hyper::upgrade::on(request).await else {
            return;
        };
        let Ok(mut server) = TcpStream::connect(authority.as_str()).await else {
            return;
        };
        tokio::io::copy_bidirectional(&mut TokioIo::new(upgraded), &mut server)
            .await
            .ok();
    });
    empty(StatusCode::OK)
}
