// The emulator's link queues (sim/net/real/link_queue.h) on their own, in made-up time: no
// namespaces, any user.
#include "sim/net/real/link_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace locosim::real {
namespace {

using std::chrono::milliseconds;

// A TCP packet of `size` bytes from 10.231.0.`from` port `port` to 10.231.0.`to`.
EmulatedPacket TcpPacket(int from, int to, int port, std::size_t size) {
  auto bytes = std::make_shared<std::vector<std::uint8_t>>(size, 0);
  auto& b = *bytes;
  b[0] = 0x45;
  b[9] = 6;
  b[12] = 10, b[13] = 231, b[15] = static_cast<std::uint8_t>(from);
  b[16] = 10, b[17] = 231, b[19] = static_cast<std::uint8_t>(to);
  b[20] = static_cast<std::uint8_t>(port >> 8), b[21] = static_cast<std::uint8_t>(port);
  b[22] = 0x1b, b[23] = 0xbc;  // 7100
  return EmulatedPacket{bytes, to, nullptr, 0, {}};
}

TEST(LinkQueue, FlowsDifferByAddressAndPort) {
  EXPECT_EQ(FlowOf(*TcpPacket(1, 2, 40000, 100).bytes), FlowOf(*TcpPacket(1, 2, 40000, 60).bytes));
  EXPECT_NE(FlowOf(*TcpPacket(1, 2, 40000, 100).bytes), FlowOf(*TcpPacket(1, 2, 40001, 100).bytes));
  EXPECT_NE(FlowOf(*TcpPacket(1, 2, 40000, 100).bytes), FlowOf(*TcpPacket(3, 2, 40000, 100).bytes));
}

TEST(LinkQueue, AnAckBehindBulkDataWaitsInAFifoAndGoesNextUnderFqCoDel) {
  const auto t0 = EmulatorClock::time_point{} + milliseconds(1000);
  auto fifo = MakeFifoQueue(1e9);
  auto fq = MakeFqCoDelQueue({});
  for (int i = 0; i < 100; ++i) {
    fifo->Enqueue(TcpPacket(1, 2, 40000, 9000), t0);
    fq->Enqueue(TcpPacket(1, 2, 40000, 9000), t0);
  }
  fifo->Enqueue(TcpPacket(3, 1, 40002, 52), t0);  // another flow's ACK
  fq->Enqueue(TcpPacket(3, 1, 40002, 52), t0);
  // The fq queue's first packet is the bulk flow's (it was new first); the ACK comes second.
  EXPECT_EQ(fq->Dequeue(t0)->size(), 9000u);
  EXPECT_EQ(fq->Dequeue(t0)->size(), 52u);
  int ack_at = -1;
  for (int i = 0; i < 101; ++i)
    if (fifo->Dequeue(t0)->size() == 52) ack_at = i;
  EXPECT_EQ(ack_at, 100);
}

TEST(LinkQueue, TwoBulkFlowsTakeTurnsOnePacketEach) {
  const auto t0 = EmulatorClock::time_point{} + milliseconds(1000);
  auto fq = MakeFqCoDelQueue({});
  for (int i = 0; i < 5; ++i) fq->Enqueue(TcpPacket(1, 2, 40000, 9000), t0);
  for (int i = 0; i < 5; ++i) fq->Enqueue(TcpPacket(3, 2, 40002, 9000), t0);
  std::string order;
  while (auto p = fq->Dequeue(t0)) order += std::to_string((*p->bytes)[15]);
  EXPECT_EQ(order, "1313131313");  // a quantum of one MTU: one packet per turn
}

TEST(LinkQueue, CoDelDropsOnlyOnceTheSojournStayedAboveTargetForAnInterval) {
  const auto t0 = EmulatorClock::time_point{} + milliseconds(1000);
  auto fq = MakeFqCoDelQueue({});
  // 400 packets queued at once, served one per millisecond: every sojourn is above 5 ms
  // from the 6th packet on, so CoDel may drop from 100 ms later, and must by then.
  for (int i = 0; i < 400; ++i) fq->Enqueue(TcpPacket(1, 2, 40000, 9000), t0);
  std::uint64_t drops_by_100ms = 0, drops_by_106ms = 0;
  for (int ms = 0; ms < 300; ++ms) {
    if (!fq->Dequeue(t0 + milliseconds(ms))) break;
    if (ms == 100) drops_by_100ms = fq->drops();
    if (ms == 106) drops_by_106ms = fq->drops();
  }
  EXPECT_EQ(drops_by_100ms, 0u);
  EXPECT_GE(drops_by_106ms, 1u);  // above 5 ms from the 6th packet, so 100 ms after that
  EXPECT_GT(fq->drops(), 2u);
  EXPECT_LT(fq->drops(), 100u);  // the control law drops ever more often, not all at once
}

TEST(LinkQueue, OverTheLimitTheFattestFlowLosesAndTheFifoDropsTheTail) {
  const auto t0 = EmulatorClock::time_point{} + milliseconds(1000);
  FqCoDelSettings s;
  s.limit_packets = 10;
  auto fq = MakeFqCoDelQueue(s);
  for (int i = 0; i < 10; ++i) fq->Enqueue(TcpPacket(1, 2, 40000, 9000), t0);
  fq->Enqueue(TcpPacket(3, 2, 40002, 9000), t0);  // the 11th, of a thin flow
  EXPECT_EQ(fq->drops(), 1u);
  int thin = 0, total = 0;
  while (auto p = fq->Dequeue(t0)) {
    ++total;
    thin += (*p->bytes)[15] == 3;
  }
  EXPECT_EQ(total, 10);
  EXPECT_EQ(thin, 1);  // the thin flow's packet stayed

  auto fifo = MakeFifoQueue(10 * 9000);
  for (int i = 0; i < 11; ++i) fifo->Enqueue(TcpPacket(1, 2, 40000, 9000), t0);
  EXPECT_EQ(fifo->drops(), 1u);
}

}  // namespace
}  // namespace locosim::real
