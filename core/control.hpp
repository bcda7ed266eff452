// The control socket's sessions: accept connections, check who is calling
// (peer_creds.hpp), read one request line each within its deadline, hand it
// on, write the answer back, close. Nothing here knows about probes: the
// engine (engine.hpp) answers through a Handler.
#pragma once

#include "protocol.hpp"

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <string>
#include <sys/types.h>

namespace jd {

class Session;

class Control {
  public:
    // Answer the request line of the peer with uid peer: call done once,
    // now or in a later turn of the loop.
    using Handler =
        std::function<void(const std::string& line, uid_t peer, std::function<void(Reply)> done)>;

    // At most this many sessions at once; further connections wait in the
    // listen queue until one ends (each ends within 30 s).
    static constexpr int kMaxSessions = 64;

    Control(boost::asio::io_context& io, boost::asio::local::stream_protocol::acceptor acceptor,
            Handler handle);
    // Start accepting connections.
    void serve();
    // Accept no more (the daemon stops): close the listening socket.
    void close();
    int sessions() const { return sessions_; }

  private:
    friend class Session;
    void accept();
    bool took(const boost::system::error_code& ec, boost::asio::local::stream_protocol::socket s);
    void session_closed();

    boost::asio::io_context& io_;
    boost::asio::local::stream_protocol::acceptor acceptor_;
    Handler handle_;
    boost::asio::steady_timer accept_timer_;
    int sessions_ = 0;
    bool accept_paused_ = false; // out of descriptors: not accepting for a while
    bool accept_full_ = false;   // kMaxSessions open: not accepting
};

} // namespace jd
