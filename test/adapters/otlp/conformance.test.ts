import { runConformanceSuite } from '../../conformance/suite';
import { otlpGrpcHarness, otlpHarness, otlpJsonHarness } from './standin';

runConformanceSuite(otlpHarness);
runConformanceSuite(otlpJsonHarness);
runConformanceSuite(otlpGrpcHarness);
