/**
 * The shared conformance suite (the demo chain gateway → orders → inventory → pricing over
 * real sockets) against the Jaeger stand-ins: HTTP collector with and without basic auth, and
 * the UDP agent. Everything asserted is what the stand-ins decoded from Jaeger's Thrift.
 */
import '../../../adapters/jaeger';
import { runConformanceSuite } from '../../conformance/suite';
import { jaegerHttpAuthHarness, jaegerHttpHarness, jaegerUdpHarness } from './standins';

runConformanceSuite(jaegerHttpHarness);
runConformanceSuite(jaegerHttpAuthHarness);
runConformanceSuite(jaegerUdpHarness);
