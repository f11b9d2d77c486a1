// The sandbox's virtual network (--net=virtual, part of --deterministic): AF_INET and AF_INET6
// stream and datagram sockets become AF_UNIX sockets in a private directory, on a virtual
// loopback that only the traced processes share. Ports are the sandbox's own (ephemeral ones
// handed out in order, from 32768), nothing is bound or connected on the host, and a connection
// to any other address fails with ENETUNREACH. Addresses in results (getsockname, getpeername,
// accept, recvfrom) are rewritten back to the program's family.
#pragma once
#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>

#include "tracer.h"

namespace rift {

struct NativeAction;

class VirtualNet {
 public:
  VirtualNet();
  ~VirtualNet();
  // whether the sandbox's network looks at calls of this number
  static bool handles(uint64_t nr);
  // At entry: true when it acted (`a` says how; its exit work is onExit's).
  bool onEntry(Tracer& t, const SyscallView& v, NativeAction& a);
  void onExit(Tracer& t, const SyscallView& v, const NativeAction& a, ExitDecision& d);

 private:
  // A program's socket, known by its inode (shared by dup and fork)
  struct Socket {
    int family = 0;     // AF_INET or AF_INET6, as the program made it
    int type = 0;       // SOCK_STREAM or SOCK_DGRAM
    bool bound = false;
    bool any = false;   // bound to the wildcard address
    uint16_t port = 0;  // local port (0: none yet)
    uint16_t peer = 0;  // the port it is connected to
  };
  Socket* find(pid_t tid, uint64_t fd, uint64_t* inode = nullptr);
  std::string pathOf(int type, uint16_t port) const;
  bool portInUse(int type, uint16_t port);
  uint16_t ephemeral(int type);
  // puts a sockaddr_un for (type, port) below the thread's stack; its address, or 0
  uint64_t scratchAddress(Tracer& t, pid_t tid, int type, uint16_t port, uint64_t* len);
  // the call's address argument (addrArg, its length the next) pointed at (type, port)'s path
  bool redirect(Tracer& t, const SyscallView& v, NativeAction& a, int type, uint16_t port, int addrArg);
  std::string sockaddrOf(const Socket& s, uint16_t port, bool peer) const;
  void writeAddress(Tracer& t, pid_t tid, uint64_t addr, uint64_t lenp, const std::string& sa, ExitDecision* d, NativeAction* a);

  std::string dir_;
  std::unordered_map<uint64_t, Socket> sockets_;     // inode -> socket
  std::map<uint16_t, std::deque<uint16_t>> queued_;  // listening port -> client ports, in connect order
  uint16_t nextPort_[3] = {0, 32768, 32768};          // by type: the next ephemeral port
};

}  // namespace rift
